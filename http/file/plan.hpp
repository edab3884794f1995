#pragma once

// What to send for a GET/HEAD of a static file: status, headers, and the
// body as literal bytes and file ranges. Pure: the caller does the I/O.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "http/file/conditional.hpp"
#include "http/file/range.hpp"

namespace keel::http_file {

struct PlanInput {
  Method method = Method::get;
  RequestHeaders request;
  std::uint64_t file_size = 0;
  Validators validators;
  std::string_view content_type;  // empty -> application/octet-stream
  // multipart/byteranges boundary (random, 1..70 RFC 2046 chars); only used,
  // and only checked, when several ranges are served.
  std::string_view boundary;
};

// Literal bytes, or `length` bytes of the file from `offset`.
using Segment = std::variant<std::string, ByteRange>;

struct Plan {
  int status = 200;  // 200, 206, 304, 412 or 416
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<Segment> body;         // empty for HEAD, 304, 412 and 416
  std::uint64_t content_length = 0;  // of the GET body (also for HEAD); 0 for 304/412/416

  // First value of header `name` (exact spelling as emitted), if present.
  std::optional<std::string_view> header(std::string_view name) const;
};

// Headers emitted, in this order:
//   ETag and Last-Modified (when known): every status.
//   Accept-Ranges: bytes: 200, 206, 416.
//   Content-Type, Content-Length: 200, 206 (multi: multipart/byteranges).
//   Content-Range: single-part 206 ("bytes a-b/LEN"), 416 ("bytes */LEN").
// 412/416 bodies (and their Content-Type/Length) and Cache-Control are the
// caller's. Range is only honoured for GET/HEAD and non-empty files.
// Throws std::invalid_argument if a multipart response is needed and
// `boundary` is not a valid boundary.
Plan plan_file_response(const PlanInput& in);

}  // namespace keel::http_file
