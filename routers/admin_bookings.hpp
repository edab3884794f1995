#pragma once
#include "http/router.hpp"
#include "services/context.hpp"

namespace keel {
// GET /api/admin/bookings, PATCH /api/admin/bookings/{id}.
void register_admin_booking_routes(Router& router, AppContext& ctx);
// The filter of the list query (already validated); the report uses it too.
bookings::ListFilter list_filter_from(const Request& req);
}  // namespace keel
