#pragma once
// The service catalogue: what can be booked, for how long, and when.
// Times of day are minutes since local midnight in the business time zone
// (KEEL_BUSINESS_TZ); dates are local calendar days counted from 1970-01-01.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace keel::catalogue {

// [open_min, close_min) on one local day; 0 <= open < close <= 1440.
struct Interval {
  int open_min = 0;
  int close_min = 0;
  friend bool operator==(const Interval&, const Interval&) = default;
};
using DayHours = std::vector<Interval>;  // sorted, non-overlapping

struct Service {
  std::int64_t id = 0;
  std::string slug;  // [a-z0-9][a-z0-9-]{0,63}
  std::string name;
  std::string description;
  std::vector<int> durations;  // minutes, ascending, unique
  int buffer_before_min = 0;
  int buffer_after_min = 0;
  int slot_step_min = 15;
  bool active = true;
  std::array<DayHours, 7> opening_hours;  // [0] = Monday ... [6] = Sunday
  std::vector<std::int32_t> closed_days;  // local days since 1970-01-01, ascending, unique
  std::string updated_at;                 // ISO 8601 UTC with milliseconds
  std::uint64_t bookings_version = 0;     // grows with every change to one of its bookings
};

}  // namespace keel::catalogue
