#pragma once

// Streaming multipart/form-data parser (RFC 7578 on top of RFC 2046 §5.1).
//
// Pure logic: bytes in, events out. The body may be fed in chunks split at
// any byte; the events (after merging adjacent file_data) do not depend on
// where the splits fall. File parts are streamed without buffering; other
// parts ("fields") are buffered up to Limits::max_field_bytes.

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace keel::multipart {

// Boundary parameter of a `multipart/form-data` Content-Type (quoted or
// not; type and parameter name matched case-insensitively). nullopt when the
// type is not multipart/form-data, the parameter is missing or repeated, or
// the boundary breaks RFC 2046 (1..70 bchars, no trailing space).
std::optional<std::string> boundary_from_content_type(std::string_view content_type);

// Values are as sent: no decoding of the %22-style escapes some browsers use.
struct PartHeaders {
  std::string name;
  // Set when Content-Disposition has filename or filename* (filename* wins;
  // see text::disposition_filename: a filename* that is malformed or not
  // UTF-8, with no filename to fall back to, fails the body as malformed).
  // Any directory part is stripped (kept: text after the last '/' or '\').
  // May be empty (browsers send filename="" for an empty file input). Other
  // bytes are NOT sanitised: callers must not use it as a path as is.
  std::optional<std::string> filename;
  std::string content_type = "text/plain";  // RFC 7578 §4.4 default
};

struct Limits {
  std::size_t max_header_bytes = 8 * 1024;  // one part's header block, incl. its blank line
  std::size_t max_field_bytes = 64 * 1024;  // value of one non-file part
  std::size_t max_parts = 100;
};

enum class ErrorKind {
  malformed,          // 400
  headers_too_large,  // 400
  too_many_parts,     // 400
  field_too_large,    // 413
};

struct Error {
  ErrorKind kind;
  std::string detail;  // a human sentence, printable ASCII, safe to show to the client
};

struct Event {
  enum Type { part_begin, file_data, part_end, field, done };
  Type type;
  const PartHeaders* headers = nullptr;  // part_begin, part_end, field
  std::string_view data;                 // file_data: next bytes (never empty); field: whole value
};

// What one feed()/finish() produced. On error, `events` holds what came
// before the failure; the parser is then dead and repeats the error.
struct Result {
  std::vector<Event> events;
  std::optional<Error> error;
  bool ok() const noexcept { return !error.has_value(); }
};

class Parser {
 public:
  // `boundary` as returned by boundary_from_content_type(); an invalid one
  // makes the first feed()/finish() fail as malformed.
  explicit Parser(std::string boundary, Limits limits = {});

  // Event views (data and headers) stay valid until the next feed()/finish().
  Result feed(std::string_view chunk);
  // End of body. Fails (malformed) unless the close delimiter was seen.
  Result finish();

  bool done() const noexcept { return state_ == State::epilogue; }
  bool failed() const noexcept { return state_ == State::failed; }

  // Bytes currently held by the parser (carry + header/field buffers); for
  // tests and the fuzzer, which check it stays within the limits.
  std::size_t buffered_bytes() const noexcept;

 private:
  enum class State { preamble, headers, body, epilogue, failed };
  enum class Sink { discard, file, field };
  // Progress through the bytes that follow a full "\r\n--boundary".
  enum class After { none, dash, padding, cr };

  // Per-feed cursor over the chunk; see parser.cpp.
  struct Cursor;

  void fail(Result& out, ErrorKind kind, std::string detail);
  void scan_headers(Cursor& c, Result& out);
  void scan_body(Cursor& c, Result& out);
  void delimiter_found(Cursor& c, std::size_t match_begin, bool close, Result& out);
  void give_data(std::string_view bytes, Result& out);
  void end_part(std::string_view run, Result& out);
  bool start_part(Result& out);

  std::string delimiter_;  // "\r\n--" + boundary
  Limits limits_;
  State state_ = State::preamble;
  Sink sink_ = Sink::discard;
  std::optional<Error> error_;

  // Partial delimiter match: matched_ bytes of delimiter_ + the bytes after
  // it. carry_ holds those of them that came in earlier chunks.
  std::size_t matched_ = 0;
  After after_ = After::none;
  std::size_t padding_ = 0;
  std::string carry_;
  std::string carry_out_;  // a resolved carry handed out as data this feed

  std::string header_buf_;
  int header_crlf_ = 0;  // progress through "\r\n\r\n"
  std::size_t parts_ = 0;
  std::deque<PartHeaders> headers_;  // deque: pointers stay valid on push_back

  std::string field_buf_;        // value of the current field, from earlier chunks
  std::string field_done_;       // a completed buffered field handed out this feed
  bool field_buffered_ = false;  // current field has bytes in field_buf_
};

}  // namespace keel::multipart
