#include "services/catalogue/availability.hpp"

#include <algorithm>

namespace keel::catalogue {

namespace {

constexpr std::int64_t kDay = 86400;

// Answers "does a candidate collide with any busy booking" in O(log n):
// busy sorted by start, with the running maximum of the ends. A candidate
// [c, c + d) collides with b exactly when occupied_overlap says so:
// b.start < c + d + after + before and b.end > c - before - after.
class BusyIndex {
 public:
  BusyIndex(std::span<const Busy> busy, int before_min, int after_min)
      : pad_((std::int64_t{before_min} + after_min) * 60) {
    sorted_.assign(busy.begin(), busy.end());
    std::sort(sorted_.begin(), sorted_.end(), [](const Busy& a, const Busy& b) { return a.starts_at < b.starts_at; });
    max_end_.reserve(sorted_.size());
    for (const Busy& b : sorted_) {
      max_end_.push_back(max_end_.empty() ? b.ends_at : std::max(max_end_.back(), b.ends_at));
    }
  }

  bool collides(std::int64_t start, std::int64_t end) const {
    // Bookings starting before end + pad; among them, does one end after start - pad?
    const auto first_after = std::lower_bound(sorted_.begin(), sorted_.end(), end + pad_,
                                              [](const Busy& b, std::int64_t t) { return b.starts_at < t; });
    const auto n = static_cast<std::size_t>(first_after - sorted_.begin());
    return n > 0 && max_end_[n - 1] > start - pad_;
  }

 private:
  std::int64_t pad_;
  std::vector<Busy> sorted_;
  std::vector<std::int64_t> max_end_;
};

}  // namespace

std::vector<std::int64_t> free_slots(const Service& s, const Zone& business, std::int64_t from_utc, std::int64_t to_utc,
                                     int duration_min, std::span<const Busy> busy, const BookingLimits& limits) {
  std::vector<std::int64_t> slots;
  if (!s.active || std::find(s.durations.begin(), s.durations.end(), duration_min) == s.durations.end()) return slots;
  // Nothing before now or beyond the horizon is offered: this also bounds the
  // days walked whatever range the caller asks for.
  const std::int64_t lo = std::max(from_utc, limits.now);
  const std::int64_t hi = std::min(to_utc, limits.now + std::int64_t{limits.horizon_days} * kDay + 1);
  if (lo >= hi) return slots;

  const BusyIndex index(busy, s.buffer_before_min, s.buffer_after_min);
  const std::int64_t length = std::int64_t{duration_min} * 60;
  const int step = std::max(s.slot_step_min, 1);
  // Business-local days around the range: a day starts at a different UTC
  // instant than the caller's, so one extra day each side, filtered below.
  const std::int32_t first_day = local_day(business.to_local(lo)) - 1;
  const std::int32_t last_day = local_day(business.to_local(hi)) + 1;
  for (std::int32_t day = first_day; day <= last_day; ++day) {
    for (const Interval& iv : s.opening_hours[static_cast<std::size_t>(weekday(day))]) {
      for (int minute = iv.open_min; minute < iv.close_min; minute += step) {
        const std::optional<std::int64_t> start = business.to_utc(std::int64_t{day} * kDay + std::int64_t{minute} * 60);
        if (!start || *start < lo || *start >= hi) continue;  // a skipped wall time, or outside the range
        // The rules decide the rest (closed dates, the span's end across
        // midnight and DST): every slot offered is one check_booking accepts.
        if (check_booking(s, business, *start, duration_min, limits)) continue;
        if (index.collides(*start, *start + length)) continue;
        slots.push_back(*start);
      }
    }
  }
  std::sort(slots.begin(), slots.end());
  slots.erase(std::unique(slots.begin(), slots.end()), slots.end());
  return slots;
}

}  // namespace keel::catalogue
