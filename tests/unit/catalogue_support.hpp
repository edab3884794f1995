#pragma once
// Shared by the catalogue's table tests: instants written as ISO 8601, slots
// shown as business wall-clock times with their offset, and sample services.
#include "http/text/iso_datetime.hpp"
#include "services/catalogue/model.hpp"
#include "services/catalogue/zone.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace keel::test {

namespace cat = keel::catalogue;

// "2026-12-10T09:00:00+01:00" -> epoch seconds (the test fails on a typo).
inline std::int64_t at(const char* iso) {
  const auto t = text::parse_iso_datetime(iso);
  EXPECT_TRUE(t.has_value()) << iso;
  return t.value_or(0);
}

// A local day number from "2026-12-25".
inline std::int32_t day_of(const char* date) {
  return static_cast<std::int32_t>(at((std::string(date) + "T00:00:00Z").c_str()) / 86400);
}

// "2026-12-10T09:00+01:00": the wall time in `zone` and the offset it had.
inline std::string wall(const cat::Zone& zone, std::int64_t utc) {
  const int offset = zone.offset_at(utc);
  const std::string local = text::format_iso_utc(utc + offset).substr(0, 16);
  const int h = (offset < 0 ? -offset : offset) / 3600;
  const int m = (offset < 0 ? -offset : offset) % 3600 / 60;
  std::string out = local + (offset < 0 ? "-" : "+");
  out += static_cast<char>('0' + h / 10);
  out += static_cast<char>('0' + h % 10);
  out += ':';
  out += static_cast<char>('0' + m / 10);
  out += static_cast<char>('0' + m % 10);
  return out;
}

inline std::vector<std::string> walls(const cat::Zone& zone, const std::vector<std::int64_t>& slots) {
  std::vector<std::string> out;
  for (std::int64_t t : slots) out.push_back(wall(zone, t));
  return out;
}

inline cat::Zone berlin() { return cat::Zone::find("Europe/Berlin").value(); }

// The same hours on each of the seven days.
inline std::array<cat::DayHours, 7> every_day(const cat::DayHours& h) { return {h, h, h, h, h, h, h}; }

// Massage: Mon-Fri 09:00-12:00 and 13:00-17:00, Sat 10:15-14:15 (a grid that
// does not start on the hour), closed on Sundays and on 2026-12-25.
inline cat::Service massage() {
  cat::Service s;
  s.id = 1;
  s.slug = "massage";
  s.name = "Massage";
  s.durations = {30, 60, 90};
  s.slot_step_min = 30;
  const cat::DayHours weekday = {{9 * 60, 12 * 60}, {13 * 60, 17 * 60}};
  s.opening_hours = {weekday, weekday, weekday, weekday, weekday, {{10 * 60 + 15, 14 * 60 + 15}}, {}};
  s.closed_days = {day_of("2026-12-25")};
  return s;
}

// What the migration makes of an old free-text service: open all day every
// day, every multiple of 15 minutes from 15 to 480, step 15, no buffers.
inline cat::Service all_day() {
  cat::Service s;
  s.id = 2;
  s.slug = "legacy";
  s.name = "Legacy";
  for (int d = 15; d <= 480; d += 15) s.durations.push_back(d);
  s.slot_step_min = 15;
  s.opening_hours = every_day({{0, 1440}});
  return s;
}

}  // namespace keel::test
