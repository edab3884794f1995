#pragma once
// GET /api/market-indices (public): the market snapshot the `market` job
// keeps in Redis, with its age, whether it is stale, an ETag and how long a
// client may cache it; this process's own copy while Redis is down.
#include "http/router.hpp"
#include "services/context.hpp"

namespace keel {
void register_market_routes(Router& router, AppContext& ctx);
}  // namespace keel
