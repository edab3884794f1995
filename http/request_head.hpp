#pragma once
// The limits of a request head and the answers to one over them. Pure: no
// I/O, unit-tested. A refusal is answered by the server itself, with
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

}  // namespace keel
