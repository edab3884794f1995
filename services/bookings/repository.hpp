#pragma once
// Bookings in MariaDB. Every call checks a pooled connection out for just
// its statement or transaction; all SQL is prepared, values are bound.
#include "services/bookings/model.hpp"
#include "services/catalogue/availability.hpp"
#include "services/db/pool.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>

namespace keel::bookings {

class Repository {
 public:
  explicit Repository(db::Pool& pool) : pool_(pool) {}

  // Inserts atomically against overlaps with non-cancelled bookings of the
  // same service: occupied intervals [start - buffer_before, end +
  // buffer_after) may not meet. The service's catalogue row is the lock
  // (SELECT ... FOR UPDATE, then its bookings_version is bumped: under
  // Galera two creates for one service also conflict at certification).
  // `check` judges the request against the locked row. Throws
  // UnknownService, RuleBroken, SlotTaken.
  boost::asio::awaitable<Booking> create(NewBooking b, std::string token_hash_hex, RuleCheck check);
  // Moves a pending or confirmed booking to [starts_at, + duration) (its
  // own duration when none is given) under the same lock: the old slot is
  // freed and the new one taken in one transaction. SEQUENCE + 1. nullopt:
  // no such booking. Throws NotReschedulable, RuleBroken, SlotTaken.
  boost::asio::awaitable<std::optional<Booking>> reschedule(std::int64_t id, std::int64_t starts_at,
                                                            std::optional<int> duration_min, RuleCheck check);
  boost::asio::awaitable<std::optional<Booking>> get(std::int64_t id);
  // The booking only when the token hash matches it.
  boost::asio::awaitable<std::optional<Booking>> get_with_token(std::int64_t id, std::string token_hash_hex);
  // The booking id a manage token belongs to.
  boost::asio::awaitable<std::optional<std::int64_t>> id_for_token(std::string token_hash_hex);
  // Changes the status if the transition is allowed (TransitionNotAllowed
  // otherwise); nullopt when there is no such booking. A cancel adds one to
  // SEQUENCE; every change bumps the service's bookings_version.
  boost::asio::awaitable<std::optional<Booking>> set_status(std::int64_t id, std::string to);
  boost::asio::awaitable<Page> list(ListFilter f);
  // What free_slots needs for one service and a UTC range, read on one
  // connection: the service row and its non-cancelled bookings near the
  // range (by the (service, starts_at) index). nullopt: no such service.
  struct AvailabilityInputs {
    catalogue::Service service;
    std::vector<catalogue::Busy> busy;
  };
  boost::asio::awaitable<std::optional<AvailabilityInputs>> availability_inputs(std::string slug, std::int64_t from_utc,
                                                                                std::int64_t to_utc);
  // Up to `limit` bookings after `after` in (starts_at, id) order, matching
  // the filter's status/service/from/to (limit and offset ignored).
  boost::asio::awaitable<std::vector<Booking>> batch_after(ListFilter f, std::optional<Cursor> after, int limit);

 private:
  db::Pool& pool_;
};

}  // namespace keel::bookings
