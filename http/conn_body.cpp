#include "http/conn_body.hpp"

#include "http/text/ascii.hpp"

#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>

#include <array>

namespace keel {

namespace net = boost::asio;
namespace http = boost::beast::http;

ConnBody::ConnBody(Conn& c, boost::beast::flat_buffer& b, RequestParser& p, const Request& req, Clock::duration timeout)
    : conn_(c), buffer_(b), parser_(p), timeout_(timeout) {
  chunked_ = p.chunked();
  if (!chunked_) {
    auto cl = p.content_length();
    length_ = cl ? *cl : 0;
    has_length_ = cl.has_value();
    remaining_ = length_;
  }
  auto expect = req.headers.get("Expect");
  expect_continue_ = expect && text::iequals(*expect, "100-continue");
}

awaitable<std::size_t> ConnBody::read_some(std::span<char> buf) {
  if (done() || buf.empty()) co_return 0;
  co_await maybe_send_continue();
  if (!chunked_) co_return co_await read_fixed(buf);
  co_return co_await read_chunked(buf);
}

awaitable<bool> ConnBody::drain(std::uint64_t limit, Clock::duration timeout) {
  if (broken_) co_return false;
  if (done()) co_return true;
  if (continue_pending()) co_return false;  // the client is waiting for us: don't invite the body
  if (!chunked_ && remaining_ > limit) co_return false;
  std::array<char, 8192> scratch;
  std::uint64_t total = 0;
  const auto until = coarse_now() + timeout;
  try {
    while (!done()) {
      if (coarse_now() > until) co_return false;
      std::size_t n = co_await read_some(std::span<char>(scratch.data(), scratch.size()));
      total += n;
      if (total > limit) co_return false;
    }
  } catch (const std::exception&) { co_return false; }
  co_return true;
}

// Only when the handler reads: a handler that answers without the body
// (401, 413) never invites it.
awaitable<void> ConnBody::maybe_send_continue() {
  if (!expect_continue_ || continue_sent_) co_return;
  continue_sent_ = true;
  static constexpr std::string_view cont = "HTTP/1.1 100 Continue\r\n\r\n";
  auto deadline = conn_.deadline_in(timeout_);
  auto [ec, n] = co_await net::async_write(conn_.socket, net::buffer(cont.data(), cont.size()), use_tuple);
  if (ec) fail_gone(ec);
}

void ConnBody::fail_gone(const boost::system::error_code& ec) {
  broken_ = true;
  if (conn_.timed_out) throw HttpError(408, "timed out reading the request body");
  throw ClientGone("client went away: " + ec.message());
}

awaitable<std::size_t> ConnBody::read_fixed(std::span<char> buf) {
  std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), remaining_));
  if (buffer_.size() > 0) {
    std::size_t n = net::buffer_copy(net::buffer(buf.data(), want), buffer_.data());
    buffer_.consume(n);
    remaining_ -= n;
    co_return n;
  }
  auto deadline = conn_.deadline_in(timeout_);
  auto [ec, n] = co_await conn_.socket.async_read_some(net::buffer(buf.data(), want), use_tuple);
  if (ec) fail_gone(ec);
  remaining_ -= n;
  co_return n;
}

awaitable<std::size_t> ConnBody::read_chunked(std::span<char> buf) {
  for (;;) {
    if (parser_.is_done()) co_return 0;
    parser_.body_into(buf.data(), buf.size());
    boost::system::error_code ec;
    {
      auto deadline = conn_.deadline_in(timeout_);
      auto [rec, n] = co_await http::async_read_some(conn_.socket, buffer_, parser_, use_tuple);
      (void)n;
      ec = rec;
    }
    if (ec == http::error::need_buffer) ec = {};
    if (ec) {
      if (conn_.timed_out || ec == net::error::eof || ec == http::error::end_of_stream ||
          ec == net::error::connection_reset || ec == net::error::broken_pipe || ec == http::error::partial_message ||
          ec == net::error::operation_aborted || ec == net::error::bad_descriptor)
        fail_gone(ec);
      broken_ = true;
      throw HttpError(400, "malformed chunked request body");
    }
    std::size_t got = buf.size() - parser_.body_room();
    if (got > 0 || parser_.is_done()) co_return got;
  }
}

}  // namespace keel
