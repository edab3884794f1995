#pragma once
// The lazy request body, read straight from the connection.
// Content-Length bodies bypass the parser: bytes left in the header buffer
// first, then reads directly into the caller's buffer (no extra copy).
// Chunked bodies go through the parser, into the caller's buffer.
// Each read, and the 100 Continue written before the first, has the idle
// timeout; a read that times out throws HttpError 408, one whose peer left
// ClientGone.
//
// Beast is inside: include this from http/ only.
#include "http/connection.hpp"
#include "http/request_parser.hpp"

#include <boost/beast/core/flat_buffer.hpp>

namespace keel {

class ConnBody final : public BodyReader {
 public:
  ConnBody(Conn& c, boost::beast::flat_buffer& b, RequestParser& p, const Request& req, Clock::duration timeout);

  awaitable<std::size_t> read_some(std::span<char> buf) override;
  bool done() const override { return chunked_ ? parser_.is_done() : remaining_ == 0; }
  std::optional<std::uint64_t> content_length() const override {
    return has_length_ ? std::optional<std::uint64_t>(length_) : std::nullopt;
  }
  bool chunked() const override { return chunked_; }
  bool expects_continue() const override { return expect_continue_; }
  bool continue_pending() const { return expect_continue_ && !continue_sent_; }
  bool broken() const { return broken_; }
  std::uint64_t remaining() const { return remaining_; }

  // Reads and discards what is left, up to `limit` bytes, within `timeout`;
  // false when it could not (too much, too slow, broken, or the client
  // still waits for a 100 Continue).
  awaitable<bool> drain(std::uint64_t limit, Clock::duration timeout);

 private:
  awaitable<void> maybe_send_continue();
  [[noreturn]] void fail_gone(const boost::system::error_code& ec);
  awaitable<std::size_t> read_fixed(std::span<char> buf);
  awaitable<std::size_t> read_chunked(std::span<char> buf);

  Conn& conn_;
  boost::beast::flat_buffer& buffer_;
  RequestParser& parser_;
  Clock::duration timeout_;
  bool chunked_ = false;
  bool has_length_ = false;
  std::uint64_t length_ = 0;
  std::uint64_t remaining_ = 0;
  bool expect_continue_ = false;
  bool continue_sent_ = false;
  bool broken_ = false;
};

}  // namespace keel
