#pragma once
#include "http/http.hpp"
#include "services/context.hpp"

#include <cstdint>

namespace keel {
// Who may touch booking `id`: an admin, or the holder of its manage token.
// No credentials -> 401 (WWW-Authenticate: Bearer); credentials that do not
// grant this booking (another booking's token, a wrong admin key) -> 404.
awaitable<bookings::Booking> authorize_booking(Request& req, AppContext& ctx, std::int64_t id);
// Applies a status transition: the booking after it, 404 when there is no
// such booking, 409 when the transition is not allowed.
awaitable<bookings::Booking> change_status(AppContext& ctx, std::int64_t id, std::string to);
}  // namespace keel
