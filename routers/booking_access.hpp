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
// Creates a booking under the catalogue's rules: 422 for a rule of the
// request (or a service gone meanwhile), 409 `slot taken`.
awaitable<bookings::Booking> create_or_raise(AppContext& ctx, bookings::NewBooking nb, std::string token_hash_hex);
// Moves booking `id`: 404, 409 (slot taken, cancelled or completed), 422.
awaitable<bookings::Booking> reschedule_or_raise(AppContext& ctx, std::int64_t id, std::int64_t starts_at,
                                                 std::optional<int> minutes);
}  // namespace keel
