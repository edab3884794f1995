#pragma once
#include "http/router.hpp"
#include "services/context.hpp"

namespace keel {
// POST, GET /api/admin/api-keys and DELETE /api/admin/api-keys/{id}: the
// data feed's keys of the api_keys table (admin only).
void register_api_key_routes(Router& router, AppContext& ctx);
}  // namespace keel
