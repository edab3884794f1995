#pragma once
// What a parsed request head must satisfy before any route sees it
// (RFC 9112), and the routing fields taken from its target. Pure: no I/O,
// unit-tested. A refusal is answered by the server itself, with
// {"detail": ...}, and the connection closes after it.
#include "http/http.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace keel {

inline constexpr std::size_t kHeaderLimit = 16 * 1024;  // the whole header block, request line included -> 431
inline constexpr std::size_t kTargetLimit = 8 * 1024;   // the request target -> 414

struct HeadRefusal {
  int status = 400;
  std::string detail;
};

// The answer to a header block over kHeaderLimit: 414 when its request
// target is over kTargetLimit, 431 otherwise. `head` is the request as
// received, from its first byte (the request line, complete or not).
HeadRefusal oversized_head(std::string_view head);

// The version and the fields that frame the message (RFC 9112 §2.6, §3.2,
// §6.1, §6.3): HTTP/1.0 or 1.1 only; exactly one valid Host in 1.1, at most
// one in 1.0; a Transfer-Encoding only in 1.1, never with Content-Length, and
// ending in one `chunked` (the only coding implemented).
std::optional<HeadRefusal> check_framing(const Headers& fields, unsigned version);

// Fills in req.path, req.segments and req.query from req.target, in origin
// form ("/p?q") or absolute form ("http://host/p?q", RFC 9112 §3.2.2: its
// authority then replaces the Host field). Any other form is refused.
std::optional<HeadRefusal> apply_target(Request& req);

}  // namespace keel
