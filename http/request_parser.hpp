#pragma once
// The request parser: Beast's HTTP/1.1 grammar (basic_parser) writing the
// request line and header fields straight into a Request, whose Headers
// live in the server's per-request arena. Compared with http::request_parser
// each field is stored once (not in Beast's fields and again in ours), and a
// header block of many tiny fields is refused: 16 KiB of "a:\r\n" would
// otherwise cost ~150 bytes of bookkeeping per field.
//
// Chunked body bytes go to a buffer the caller names before each read (as
// Beast's buffer_body does); Content-Length bodies are read by the server
// past the parser.
//
// Beast is inside: include this from http/ and tests only.
#include "http/http.hpp"

#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>

#include <cstring>

namespace keel {

// The size of the header block at the start of `bytes` (request line,
// fields, the empty line) and its number of field lines, when it is
// complete; bytes == 0 while it is not. Lets the caller size a request's
// arena and Headers once, before the parser stores anything. Obsolete line
// folding counts as a line: an overestimate, which is harmless.
// `searched` is how many bytes an earlier call already looked at: a client
// sending its header a byte at a time costs a scan of the new bytes, not of
// the whole buffer again (which would be quadratic in the header size).
struct HeaderShape {
  std::size_t bytes = 0;
  std::size_t field_lines = 0;
};
inline HeaderShape header_shape(std::string_view bytes, std::size_t searched = 0) {
  std::size_t end = bytes.find("\r\n\r\n", searched > 3 ? searched - 3 : 0);
  if (end == std::string_view::npos) return {};
  std::string_view block = bytes.substr(0, end);
  std::size_t lines = 0;
  for (std::size_t p = block.find('\n'); p != std::string_view::npos; p = block.find('\n', p + 1)) ++lines;
  return {end + 4, lines};  // every "\n" before the end starts one field line
}

class RequestParser final : public boost::beast::http::basic_parser<true> {
 public:
  // Apache's LimitRequestFields default.
  static constexpr std::size_t kMaxFields = 100;

  RequestParser(Request& req, std::size_t max_fields = kMaxFields) : req_(req), max_fields_(max_fields) {}

  unsigned version() const { return version_; }
  // True when parsing stopped (with http::error::header_limit) because the
  // header had more than max_fields fields.
  bool too_many_fields() const { return too_many_fields_; }

  // Where the next chunked body bytes go; body_room() is what is left of it.
  void body_into(char* data, std::size_t size) {
    dest_ = data;
    room_ = size;
  }
  std::size_t body_room() const { return room_; }

 private:
  using error_code = boost::system::error_code;
  using string_view = boost::beast::string_view;

  void on_request_impl(boost::beast::http::verb, string_view method, string_view target, int version,
                       error_code&) override {
    req_.method.assign(method.data(), method.size());
    req_.target.assign(target.data(), target.size());
    version_ = static_cast<unsigned>(version);
  }

  void on_response_impl(int, string_view, int, error_code& ec) override {
    ec = boost::beast::http::error::bad_line_ending;  // never a response here
  }

  void on_field_impl(boost::beast::http::field, string_view name, string_view value, error_code& ec) override {
    if (req_.headers.size() >= max_fields_) {
      too_many_fields_ = true;
      ec = boost::beast::http::error::header_limit;
      return;
    }
    req_.headers.add(std::string_view(name.data(), name.size()), std::string_view(value.data(), value.size()));
  }

  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>&, error_code&) override {}

  std::size_t on_body_impl(string_view body, error_code& ec) override { return take(body, ec); }
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code& ec) override { return take(body, ec); }
  void on_finish_impl(error_code&) override {}

  // Copies what fits; need_buffer tells the reader the buffer is full.
  std::size_t take(string_view body, error_code& ec) {
    std::size_t n = std::min(room_, body.size());
    if (n > 0) {
      std::memcpy(dest_, body.data(), n);
      dest_ += n;
      room_ -= n;
    }
    if (n < body.size()) ec = boost::beast::http::error::need_buffer;
    return n;
  }

  Request& req_;
  std::size_t max_fields_;
  unsigned version_ = 11;
  bool too_many_fields_ = false;
  char* dest_ = nullptr;
  std::size_t room_ = 0;
};

}  // namespace keel
