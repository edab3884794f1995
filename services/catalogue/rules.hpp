#pragma once
// The rules a booking request must meet on its own (no other booking
// involved): pure functions over (service, zone, times) -> the first rule
// broken. A conflict with another booking is not here: it is the 409.
#include "services/catalogue/model.hpp"
#include "services/catalogue/zone.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace keel::catalogue {

struct Violation {
  std::string field;    // the body field at fault: "service", "duration_minutes" or "starts_at"
  std::string type;     // inactive_service | duration_not_allowed | in_the_past | beyond_horizon |
                        // closed_date | outside_opening_hours | off_slot_grid
  std::string message;  // for a person: "Massage is closed on 2026-12-25"
};

struct BookingLimits {
  std::int64_t now = 0;   // epoch seconds
  int horizon_days = 90;  // KEEL_BOOKING_HORIZON_DAYS
};

// In this order: inactive service, duration not one of the service's, start
// before now, start beyond now + horizon, a closed local date, the booking
// [start, start + duration) not inside one opening span of its local day
// (a span ending at 24:00 continues into the next day's span opening at
// 00:00), the start not on the slot grid (every slot_step_min from the
// span's opening).
std::optional<Violation> check_booking(const Service& s, const Zone& business, std::int64_t starts_at,
                                       int duration_min, const BookingLimits& limits);

// Two bookings of one service collide when their occupied intervals
// [start - buffer_before, end + buffer_after) overlap.
bool occupied_overlap(std::int64_t a_start, std::int64_t a_end, std::int64_t b_start, std::int64_t b_end,
                      int buffer_before_min, int buffer_after_min);

}  // namespace keel::catalogue
