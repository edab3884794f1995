#pragma once
// Free start times of a service: a pure function over the service, the
// business zone, a UTC range, the existing bookings and now. Every slot it
// returns passes check_booking and overlaps no busy interval (buffers
// included).
#include "services/catalogue/model.hpp"
#include "services/catalogue/rules.hpp"
#include "services/catalogue/zone.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace keel::catalogue {

// A non-cancelled booking of the service, without its buffers.
struct Busy {
  std::int64_t starts_at = 0;
  std::int64_t ends_at = 0;
};

// Start times (epoch seconds, ascending, unique) in [from_utc, to_utc) for
// bookings of `duration_min`. Candidates follow business wall-clock time:
// each opening span's grid, a wall time that does not exist (spring DST)
// skipped, a repeated one (autumn) offered once at its first occurrence.
// `busy` need not be sorted.
std::vector<std::int64_t> free_slots(const Service& s, const Zone& business, std::int64_t from_utc,
                                     std::int64_t to_utc, int duration_min, std::span<const Busy> busy,
                                     const BookingLimits& limits);

}  // namespace keel::catalogue
