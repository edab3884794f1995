#pragma once
#include "http/router.hpp"
#include "services/context.hpp"

namespace keel {
// GET /api/health (liveness + DB ping) and GET /api/health/memory.
void register_health_routes(Router& router, AppContext& ctx);
}  // namespace keel
