#include "http/body_writers.hpp"

#include <spdlog/spdlog.h>

#include <sys/socket.h>
#include <array>
#include <cstdio>

namespace keel {

namespace net = boost::asio;

awaitable<bool> write_file_response(Conn& conn, std::string_view head, const FileBody& body, bool send_body,
                                    Clock::duration timeout, std::string_view path) {
  // sendfile pushes when it is done, as nginx's TCP_CORK does; whatever the
  // socket did not take of the head at once is written normally.
  std::size_t sent = 0;
  if (send_body && body.content_length > 0) {
    ssize_t w = ::send(conn.socket.native_handle(), head.data(), head.size(), MSG_DONTWAIT | MSG_NOSIGNAL | MSG_MORE);
    if (w > 0) sent = static_cast<std::size_t>(w);
  }
  if (sent < head.size()) {
    bool ok = co_await write_all(conn, net::buffer(head.data() + sent, head.size() - sent), timeout);
    if (!ok) co_return false;
  }
  if (!send_body) co_return true;
  for (const auto& seg : body.segments) {
    bool ok = false;
    if (!seg.literal.empty())
      ok = co_await write_all(conn, net::buffer(seg.literal), timeout);
    else
      ok = co_await send_file_range(conn, body.file->fd(), seg.offset, seg.length, timeout, path);
    if (!ok) co_return false;
  }
  co_return true;
}

awaitable<bool> write_stream_response(Conn& conn, std::string_view head, StreamBody& body, bool chunked, bool send_body,
                                      Clock::duration timeout, std::string_view path) {
  bool ok = co_await write_all(conn, net::buffer(head.data(), head.size()), timeout);
  if (!ok || !send_body) co_return ok;
  for (;;) {
    std::optional<std::string> chunk;
    try {
      chunk = co_await body.next();
    } catch (const std::exception& e) {
      spdlog::error("stream body of {} failed: {}", path, e.what());
      co_return false;  // cannot signal an error mid-chunked-body: close it short
    }
    if (!chunk) {
      if (!chunked) co_return true;
      co_return co_await write_all(conn, net::buffer(std::string_view("0\r\n\r\n")), timeout);
    }
    if (chunk->empty()) continue;
    if (chunked) {
      char size_line[24];
      int len = std::snprintf(size_line, sizeof size_line, "%zx\r\n", chunk->size());
      std::array<net::const_buffer, 3> bufs{net::buffer(size_line, static_cast<std::size_t>(len)), net::buffer(*chunk),
                                            net::buffer("\r\n", 2)};
      ok = co_await write_all(conn, bufs, timeout);
    } else {
      ok = co_await write_all(conn, net::buffer(*chunk), timeout);
    }
    if (!ok) co_return false;
  }
}

}  // namespace keel
