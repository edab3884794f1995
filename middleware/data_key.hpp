#pragma once
#include "middleware/middleware.hpp"
#include "services/api_keys/rate_limiter.hpp"
#include "services/api_keys/registry.hpp"

namespace keel {

// The data feed's API keys, on routes whose security lists kDataKeyScheme
// (other routes pass through without a coroutine frame). Runs after
// auth_guard, which has marked an admin key (req.is_admin): the admin key is
// let through, not limited. Otherwise: no credentials -> 401 with
// `WWW-Authenticate: Bearer`; a key the registry does not know (unknown or
// revoked) -> 403; a known key spends a token of its bucket: none left ->
// 429 with Retry-After, else the route answers and RateLimit-Limit,
// RateLimit-Remaining and RateLimit-Reset are added to its response (to an
// HttpError it throws, too).
Middleware data_key_middleware(const api_keys::Registry& keys, api_keys::RateLimiter& limits);

}  // namespace keel
