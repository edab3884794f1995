#pragma once
// The byte cap of a buffered request body: the route's own
// (RouteSpec::max_body_bytes) when it set one, never above the configured
// ceiling (KEEL_MAX_BODY_MB). The body-limit guard checks a declared length
// against it; read_json_body reads no more than it.
#include "http/router.hpp"

#include <algorithm>
#include <cstdint>

namespace keel {

inline std::uint64_t body_cap(const Request& req, std::uint64_t ceiling) {
  if (!req.route || req.route->spec.max_body_bytes == 0) return ceiling;
  return std::min(ceiling, req.route->spec.max_body_bytes);
}

}  // namespace keel
