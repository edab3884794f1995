#include "routers/booking_access.hpp"

#include "http/credentials.hpp"
#include "routers/booking_rules.hpp"
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


awaitable<bookings::Booking> create_or_raise(AppContext& ctx, bookings::NewBooking nb, std::string token_hash_hex) {
  // Exceptions become flags: no co_await inside a catch block.
  std::optional<catalogue::Violation> broken;
  bool taken = false, gone = false;
  std::optional<bookings::Booking> b;
  const std::string name = nb.service;
  try {
    b = co_await ctx.bookings->create(std::move(nb), std::move(token_hash_hex), booking_rules(ctx));
  } catch (const bookings::RuleBroken& e) {
    broken = e.violation;
  } catch (const bookings::SlotTaken&) {
    taken = true;
  } catch (const bookings::UnknownService&) {
    gone = true;
  }
  if (broken) raise_violation(*broken);
  if (gone) raise_unknown_service(name);
  if (taken) throw HttpError(409, "slot taken");
  co_return std::move(*b);
}

awaitable<bookings::Booking> reschedule_or_raise(AppContext& ctx, std::int64_t id, std::int64_t starts_at,
                                                 std::optional<int> minutes) {
  std::optional<catalogue::Violation> broken;
  std::optional<std::string> conflict;
  std::optional<bookings::Booking> b;
  try {
    b = co_await ctx.bookings->reschedule(id, starts_at, minutes, booking_rules(ctx));
  } catch (const bookings::RuleBroken& e) {
    broken = e.violation;
  } catch (const bookings::SlotTaken&) {
    conflict = "slot taken";
  } catch (const bookings::NotReschedulable& e) {
    conflict = e.what();
  } catch (const bookings::UnknownService&) {
    conflict = "the booking's service is no longer in the catalogue";
  }
  if (broken) raise_violation(*broken);
  if (conflict) throw HttpError(409, *conflict);
  if (!b) throw HttpError(404, "booking not found");
  co_return std::move(*b);
}

}  // namespace keel
