#include "http/connection.hpp"

#include "http/file_pieces.hpp"

#include <spdlog/spdlog.h>

#include <sys/sendfile.h>
#include <array>
#include <cerrno>

namespace keel {

using namespace std::chrono_literals;

awaitable<bool> send_file_range(Conn& conn, int fd, std::uint64_t offset, std::uint64_t length, Clock::duration timeout,
                                std::string_view path) {
  // Asio's own operations keep the descriptor non-blocking; saying so once
  // per connection makes Asio remember it (one ioctl, not one per file).
  boost::system::error_code ignore;
  if (!conn.socket.non_blocking()) conn.socket.non_blocking(true, ignore);
  PieceCursor cur(offset, length);
  while (!cur.done()) {
    off_t off = static_cast<off_t>(cur.offset());
    ssize_t w = ::sendfile(conn.socket.native_handle(), fd, &off, cur.next());
    if (w > 0) {
      cur.advance(static_cast<std::size_t>(w));
      continue;
    }
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && errno == EAGAIN) {
      auto deadline = conn.deadline_in(timeout);
      auto [ec] = co_await conn.socket.async_wait(Socket::wait_write, use_tuple);
      if (ec) co_return false;
      continue;
    }
    // Peer gone, or the file shrank under us: the length is broken, close.
    if (w == 0) spdlog::warn("{} file shorter than announced; closing connection", path);
    co_return false;
  }
  co_return true;
}

// nginx's lingering_time is 30 s; 5 s and 64 MiB keep a slot bounded. Its
// own frame, so the 8 KiB sink exists only while lingering.
awaitable<void> linger_close(Conn& conn) {
  constexpr std::uint64_t kLingerLimit = 64ull << 20;  // bytes discarded before closing on a still-sending client
  boost::system::error_code ignore;
  conn.socket.shutdown(Socket::shutdown_send, ignore);
  auto deadline = conn.deadline_in(5s);
  std::array<char, 8192> sink;
  std::uint64_t total = 0;
  while (total < kLingerLimit) {
    auto [ec, n] = co_await conn.socket.async_read_some(boost::asio::buffer(sink), use_tuple);
    if (ec) break;
    total += n;
  }
}

}  // namespace keel
