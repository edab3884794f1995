#pragma once
// Bookings: the data and the rules that do not need a database.
#include "services/catalogue/model.hpp"
#include "services/catalogue/rules.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace keel::bookings {

struct NewBooking {
  std::string name;
  std::string email;
  std::optional<std::string> phone;
  std::string service;
  std::int64_t starts_at = 0;  // epoch seconds, UTC
  int duration_minutes = 0;
  std::optional<std::string> notes;
};

struct Booking {
  std::int64_t id = 0;
  std::string name;
  std::string email;
  std::optional<std::string> phone;
  std::string service;       // the catalogue entry's slug
  std::string service_name;  // its name (the slug when the entry is gone)
  std::int64_t starts_at = 0;  // epoch seconds, UTC
  int duration_minutes = 0;
  std::optional<std::string> notes;
  std::string status;
  std::string created_at;  // ISO 8601 UTC with milliseconds
  std::string updated_at;
  std::int64_t sequence = 0;  // the calendar file's SEQUENCE: +1 on each reschedule and cancel
};

struct ListFilter {
  std::optional<std::string> status;
  std::optional<std::string> service;
  std::optional<std::int64_t> from;  // inclusive, on starts_at
  std::optional<std::int64_t> to;    // exclusive
  int limit = 50;
  std::int64_t offset = 0;
};

struct Page {
  std::uint64_t total = 0;
  std::vector<Booking> items;
};

// A keyset position for paging through bookings in (starts_at, id) order.
struct Cursor {
  std::int64_t starts_at = 0;
  std::int64_t id = 0;
};

// A rule of the request alone is broken (checked on the locked service row).
struct RuleBroken : std::runtime_error {
  explicit RuleBroken(catalogue::Violation v) : std::runtime_error(v.message), violation(std::move(v)) {}
  catalogue::Violation violation;
};
// The service a request names is not (or no longer) in the catalogue.
struct UnknownService : std::runtime_error {
  UnknownService() : std::runtime_error("unknown service") {}
};
// Only pending and confirmed bookings can move.
struct NotReschedulable : std::runtime_error {
  explicit NotReschedulable(const std::string& status)
      : std::runtime_error("a " + status + " booking cannot be rescheduled"), status(status) {}
  std::string status;
};

// The rules of the request alone, judged against the locked service row:
// (service, starts_at, duration in minutes) -> the first rule broken.
using RuleCheck =
    std::function<std::optional<catalogue::Violation>(const catalogue::Service&, std::int64_t, int)>;

struct SlotTaken : std::runtime_error {
  SlotTaken() : std::runtime_error("slot taken") {}
};
struct TransitionNotAllowed : std::runtime_error {
  TransitionNotAllowed(const std::string& from, const std::string& to)
      : std::runtime_error("cannot change status from " + from + " to " + to), from(from), to(to) {}
  std::string from, to;
};

inline const std::vector<std::string>& statuses() {
  static const std::vector<std::string> s = {"pending", "confirmed", "completed", "cancelled"};
  return s;
}

// pending -> confirmed -> completed; pending or confirmed -> cancelled.
bool transition_allowed(std::string_view from, std::string_view to);

// A short reference code shown on confirmations ("BK-000042").
std::string reference_code(std::int64_t id);

// "2026-12-01 08:30:00" (SQL DATETIME, UTC) <-> epoch seconds.
std::string to_sql_datetime(std::int64_t epoch_seconds);
std::optional<std::int64_t> from_sql_datetime(std::string_view s);
// "2026-12-01 08:30:00.123" -> "2026-12-01T08:30:00.123Z"
std::string sql_to_iso(std::string_view s);

}  // namespace keel::bookings
