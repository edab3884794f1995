#pragma once
#include "http/router.hpp"
#include "services/context.hpp"

namespace keel {
// GET /api/availability: a service's free start times (public).
void register_availability_routes(Router& router, AppContext& ctx);
}  // namespace keel
