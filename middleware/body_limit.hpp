#pragma once
#include "middleware/middleware.hpp"

#include <cstdint>

namespace keel {
// Refuses a declared Content-Length over the route's cap with 413 before
// any body byte is read (and so before "100 Continue" is sent): buffered
// bodies by KEEL_MAX_BODY_MB or the route's smaller max_body_bytes
// (http/body_cap.hpp), streamed uploads by KEEL_MAX_UPLOAD_MB. Bodies
// without a length are capped while read.
Guard body_limit_guard(std::uint64_t max_body, std::uint64_t max_upload);
}  // namespace keel
