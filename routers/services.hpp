#pragma once
#include "http/router.hpp"
#include "services/context.hpp"

namespace keel {
// The service catalogue: GET /api/services (public: the active services,
// with an ETag) and the admin routes that list, create, change and delete
// services (/api/admin/services[/{slug}]).
void register_service_routes(Router& router, AppContext& ctx);
}  // namespace keel
