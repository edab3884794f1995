#include "services/catalogue/rules.hpp"

#include <algorithm>
#include <array>

#include "http/text/iso_datetime.hpp"

namespace keel::catalogue {

namespace {

constexpr std::int64_t kDay = 86400;
constexpr std::array<const char*, 7> kWeekdays = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                                  "Friday", "Saturday", "Sunday"};

// "2026-12-25" for a local day number.
std::string format_day(std::int32_t day) { return text::format_iso_utc(day * kDay).substr(0, 10); }

// "09:30" for a minute of the day (1440 -> "24:00").
std::string format_local_hhmm(int minute) {
  const int h = minute / 60;
  const int m = minute % 60;
  std::string out;
  out += static_cast<char>('0' + h / 10);
  out += static_cast<char>('0' + h % 10);
  out += ':';
  out += static_cast<char>('0' + m / 10);
  out += static_cast<char>('0' + m % 10);
  return out;
}

std::string join_durations(const std::vector<int>& durations) {
  std::string out;
  for (std::size_t i = 0; i < durations.size(); ++i) {
    if (i > 0) out += i + 1 == durations.size() ? " or " : ", ";
    out += std::to_string(durations[i]);
  }
  return out;
}

std::string describe_hours(const DayHours& hours) {
  std::string out;
  for (const Interval& iv : hours) {
    if (!out.empty()) out += ", ";
    out += format_local_hhmm(iv.open_min) + "-" + format_local_hhmm(iv.close_min);
  }
  return out;
}

bool is_closed(const Service& s, std::int32_t day) {
  return std::binary_search(s.closed_days.begin(), s.closed_days.end(), day);
}

const DayHours& hours_of(const Service& s, std::int32_t day) {
  return s.opening_hours[static_cast<std::size_t>(weekday(day))];
}

// The local second at which the span holding `iv` of `day` closes: an
// interval ending at 24:00 continues into the next day's interval opening at
// 00:00, and so on, as far as `reach` needs (a service open all day every
// day is one endless span).
std::int64_t span_close(const Service& s, std::int32_t day, const Interval& iv, std::int64_t reach) {
  std::int64_t close = std::int64_t{day} * kDay + std::int64_t{iv.close_min} * 60;
  int close_min = iv.close_min;
  while (close_min == 1440 && close < reach) {
    ++day;
    const DayHours& next = hours_of(s, day);
    if (next.empty() || next.front().open_min != 0) break;
    close_min = next.front().close_min;
    close = std::int64_t{day} * kDay + std::int64_t{close_min} * 60;
  }
  return close;
}

Violation violation(std::string field, std::string type, std::string message) {
  return Violation{std::move(field), std::move(type), std::move(message)};
}

}  // namespace

std::optional<Violation> check_booking(const Service& s, const Zone& business, std::int64_t starts_at, int duration_min,
                                       const BookingLimits& limits) {
  if (!s.active) return violation("service", "inactive_service", s.name + " cannot be booked at the moment");
  if (std::find(s.durations.begin(), s.durations.end(), duration_min) == s.durations.end()) {
    return violation("duration_minutes", "duration_not_allowed",
                     s.name + " can be booked for " + join_durations(s.durations) + " minutes");
  }
  if (starts_at < limits.now) return violation("starts_at", "in_the_past", "The start time is in the past");
  if (starts_at > limits.now + std::int64_t{limits.horizon_days} * kDay) {
    return violation("starts_at", "beyond_horizon",
                     "Bookings can be made at most " + std::to_string(limits.horizon_days) + " days ahead");
  }

  const std::int64_t local_start = business.to_local(starts_at);
  const std::int64_t ends_at = starts_at + std::int64_t{duration_min} * 60;
  const std::int64_t local_end = business.to_local(ends_at);
  const std::int32_t day = local_day(local_start);
  // Every local day the booking covers (its end is exclusive: ending at
  // midnight does not touch the next day).
  const std::int32_t last_day = std::max(day, local_day(local_end - 1));
  for (std::int32_t d = day; d <= last_day; ++d) {
    if (is_closed(s, d)) return violation("starts_at", "closed_date", s.name + " is closed on " + format_day(d));
  }

  const int start_min = minute_of_day(local_start);
  const DayHours& hours = hours_of(s, day);
  const auto holder = std::find_if(hours.begin(), hours.end(), [&](const Interval& iv) {
    return iv.open_min <= start_min && start_min < iv.close_min;
  });
  if (holder == hours.end() || local_end > span_close(s, day, *holder, local_end)) {
    const std::string when = format_day(day) + " (" + kWeekdays[static_cast<std::size_t>(weekday(day))] + ")";
    if (hours.empty()) return violation("starts_at", "outside_opening_hours", s.name + " is not open on " + when);
    return violation("starts_at", "outside_opening_hours",
                     "A " + std::to_string(duration_min) + "-minute booking at " + format_local_hhmm(start_min) +
                         " is outside the opening hours of " + s.name + " on " + when + ": " + describe_hours(hours));
  }

  // The grid runs in wall-clock time from the opening of the start day's
  // interval (so it is the same on DST days as on any other).
  const std::int64_t step = std::int64_t{std::max(s.slot_step_min, 1)} * 60;
  const std::int64_t opens = std::int64_t{day} * kDay + std::int64_t{holder->open_min} * 60;
  if ((local_start - opens) % step != 0) {
    // A start between whole minutes shows its seconds ("09:00:30"), or the
    // message would name a time that is on the grid.
    std::string start = format_local_hhmm(start_min);
    const std::int64_t second = local_start - std::int64_t{day} * kDay - std::int64_t{start_min} * 60;
    if (second != 0) start += ":" + std::to_string(100 + second).substr(1);
    return violation("starts_at", "off_slot_grid",
                     s.name + " takes bookings every " + std::to_string(std::max(s.slot_step_min, 1)) +
                         " minutes from " + format_local_hhmm(holder->open_min) + "; " + start +
                         " is not one of those times");
  }
  return std::nullopt;
}

bool occupied_overlap(std::int64_t a_start, std::int64_t a_end, std::int64_t b_start, std::int64_t b_end,
                      int buffer_before_min, int buffer_after_min) {
  const std::int64_t before = std::int64_t{buffer_before_min} * 60;
  const std::int64_t after = std::int64_t{buffer_after_min} * 60;
  return a_start - before < b_end + after && b_start - before < a_end + after;
}

}  // namespace keel::catalogue
