#include "routers/booking_access.hpp"

#include "http/credentials.hpp"
#include "services/crypto/sha256.hpp"

namespace keel {

awaitable<bookings::Booking> authorize_booking(Request& req, AppContext& ctx, std::int64_t id) {
  auto cred = presented_credential(req);
  if (!req.is_admin && !cred) {
    Headers h;
    h.set("WWW-Authenticate", "Bearer");
    throw HttpError(401, "Not authenticated", h);
  }
  ctx.require_db();
  std::optional<bookings::Booking> b;
  if (req.is_admin) {
    b = co_await ctx.bookings->get(id);
  } else if (auto token = bearer_token(req)) {
    b = co_await ctx.bookings->get_with_token(id, sha256_hex(*token));
  }
  if (!b) throw HttpError(404, "booking not found");
  co_return std::move(*b);
}

awaitable<bookings::Booking> change_status(AppContext& ctx, std::int64_t id, std::string to) {
  std::optional<bookings::Booking> after;
  try {
    after = co_await ctx.bookings->set_status(id, std::move(to));
  } catch (const bookings::TransitionNotAllowed& e) { throw HttpError(409, e.what()); }
  if (!after) throw HttpError(404, "booking not found");
  co_return std::move(*after);
}

}  // namespace keel
