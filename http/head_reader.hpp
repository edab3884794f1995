#pragma once
// Turns the bytes of a request head, as they arrive, into a parsed head:
// the connection loop reads, this decides (no I/O here, unit-tested).
//
// The head stays whole in the read buffer until its end has arrived; only
// then does the parser store its fields, in one pass, into an arena sized
// for them. The size limit is on the whole block, request line included
// (Beast's own header_limit counts the request line and the fields apart).
// The first bytes of a request go to the parser at once, up to the end of
// the request line, so a client that sends no HTTP at all is answered
// without waiting for a header end that never comes.
//
// Beast is inside: include this from http/ only.
#include "http/request_arena.hpp"
#include "http/request_head.hpp"
#include "http/request_parser.hpp"

#include <boost/beast/core/flat_buffer.hpp>

#include <algorithm>
#include <string_view>

namespace keel {

class HeadReader {
 public:
  enum Outcome {
    need_more,  // read more bytes, then call step() again
    complete,   // the head is parsed and gone from the buffer; the body follows
    too_large,  // no head within kHeaderLimit
    malformed,  // error() says why
  };

  HeadReader(RequestParser& parser, RequestArena& arena, Headers& fields)
      : parser_(parser), arena_(arena), fields_(fields) {}

  // Looks at what `buffer` holds of this request, from its first byte.
  Outcome step(boost::beast::flat_buffer& buffer) {
    const std::string_view in = bytes(buffer);
    const HeaderShape shape = header_shape(in, searched_);
    searched_ = in.size();
    if (shape.bytes == 0) {
      if (in.size() >= kHeaderLimit) return too_large;
      if (!probed_ && !in.empty()) return probe(in);
      return need_more;
    }
    if (shape.bytes > kHeaderLimit) return too_large;
    // Size the arena and the field list once, before the first field is stored.
    const std::size_t fields = std::min(shape.field_lines, RequestParser::kMaxFields + 1);
    arena_.size_for(shape.bytes + fields * (sizeof(Headers::Field) + alignof(std::max_align_t)) + 64);
    fields_.reserve(fields);
    const std::size_t used = parser_.put(boost::asio::buffer(in.data() + parsed_, in.size() - parsed_), ec_);
    // A whole block the parser still wants more of is not HTTP.
    if (!ec_ && !parser_.is_header_done()) ec_ = boost::beast::http::error::need_more;
    if (ec_ == boost::beast::http::error::need_more) ec_ = boost::beast::http::error::partial_message;
    if (ec_) return malformed;
    buffer.consume(parsed_ + used);
    return complete;
  }

  const boost::system::error_code& error() const { return ec_; }

  // The answer to a head that came out too_large or malformed.
  HeadRefusal refusal(const boost::beast::flat_buffer& buffer) const {
    if (!ec_) return oversized_head(bytes(buffer));
    if (parser_.too_many_fields())
      return {431, "too many request header fields (at most " + std::to_string(RequestParser::kMaxFields) + ")"};
    return {400, "malformed request: " + ec_.message()};
  }

  static std::string_view bytes(const boost::beast::flat_buffer& buffer) {
    const auto data = buffer.data();
    return std::string_view(static_cast<const char*>(data.data()), data.size());
  }

 private:
  // The first bytes, up to the end of the request line: Beast refuses a bad
  // method, target or version as soon as it sees one.
  Outcome probe(std::string_view in) {
    probed_ = true;
    const std::size_t eol = in.find("\r\n");
    const std::size_t n = eol == std::string_view::npos ? in.size() : eol + 2;
    parsed_ = parser_.put(boost::asio::buffer(in.data(), n), ec_);
    if (ec_ == boost::beast::http::error::need_more) ec_ = {};
    return ec_ ? malformed : need_more;
  }

  RequestParser& parser_;
  RequestArena& arena_;
  Headers& fields_;
  boost::system::error_code ec_;
  std::size_t searched_ = 0;  // bytes already searched for the head's end
  std::size_t parsed_ = 0;    // bytes the parser took at the probe (the request line), still in the buffer
  bool probed_ = false;
};

}  // namespace keel
