#pragma once
#include "http/router.hpp"
#include "services/context.hpp"

namespace keel {
// POST /api/bookings, GET /api/bookings/{id}, POST /api/bookings/{id}/cancel.
void register_booking_routes(Router& router, AppContext& ctx);
}  // namespace keel
