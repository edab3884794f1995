#pragma once
// Bookings in MariaDB. Every call checks a pooled connection out for just
// its statement or transaction; all SQL is prepared, values are bound.
#include "services/bookings/model.hpp"
#include "services/db/pool.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>

namespace keel::bookings {

class Repository {
 public:
  explicit Repository(db::Pool& pool) : pool_(pool) {}

  // Inserts atomically against overlaps with non-cancelled bookings of the
  // same service ([starts_at, starts_at + duration) intervals): the per-
  // service lock row serialises creates across processes. Throws SlotTaken.
  boost::asio::awaitable<Booking> create(NewBooking b, std::string token_hash_hex);
  boost::asio::awaitable<std::optional<Booking>> get(std::int64_t id);
  // The booking only when the token hash matches it.
  boost::asio::awaitable<std::optional<Booking>> get_with_token(std::int64_t id, std::string token_hash_hex);
  // The booking id a manage token belongs to.
  boost::asio::awaitable<std::optional<std::int64_t>> id_for_token(std::string token_hash_hex);
  // Changes the status if the transition is allowed (TransitionNotAllowed
  // otherwise); nullopt when there is no such booking.
  boost::asio::awaitable<std::optional<Booking>> set_status(std::int64_t id, std::string to);
  boost::asio::awaitable<Page> list(ListFilter f);
  // Up to `limit` bookings after `after` in (starts_at, id) order, matching
  // the filter's status/service/from/to (limit and offset ignored).
  boost::asio::awaitable<std::vector<Booking>> batch_after(ListFilter f, std::optional<Cursor> after, int limit);

 private:
  db::Pool& pool_;
};

}  // namespace keel::bookings
