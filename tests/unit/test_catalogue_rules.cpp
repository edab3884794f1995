#include "services/catalogue/rules.hpp"

#include <gtest/gtest.h>

#include <functional>

#include "catalogue_support.hpp"

namespace cat = keel::catalogue;
using keel::test::at;
using keel::test::day_of;

namespace {

// Monday 2026-03-02 13:00 in Berlin, with a year of horizon: the DST Sundays
// of 2026 and every date below lie ahead.
cat::BookingLimits limits() { return {at("2026-03-02T12:00:00Z"), 365}; }

// Open 01:00-04:00 every night: on 2026-03-29 the span loses an hour to DST.
cat::Service night() {
  cat::Service s;
  s.name = "Night shift";
  s.durations = {60, 120};
  s.slot_step_min = 30;
  s.opening_hours = keel::test::every_day({{60, 240}});
  return s;
}

// Open 09:00-17:00 every day, Sundays included.
cat::Service daily() {
  cat::Service s;
  s.name = "Tennis court";
  s.durations = {60};
  s.slot_step_min = 60;
  s.opening_hours = keel::test::every_day({{9 * 60, 17 * 60}});
  return s;
}

// Fri 20:00-24:00 continued by Sat 00:00-02:00: one span over midnight.
cat::Service late() {
  cat::Service s;
  s.name = "Karaoke";
  s.durations = {60, 120, 180};
  s.slot_step_min = 30;
  s.opening_hours[4] = {{20 * 60, 1440}};
  s.opening_hours[5] = {{0, 120}};
  return s;
}

// Every minute 09:00-10:00 on weekdays: the end of a span to the minute.
cat::Service minutes() {
  cat::Service s;
  s.name = "Quick check";
  s.durations = {30, 31};
  s.slot_step_min = 1;
  const cat::DayHours h = {{9 * 60, 10 * 60}};
  s.opening_hours = {h, h, h, h, h, {}, {}};
  return s;
}

cat::Service inactive() {
  cat::Service s = keel::test::massage();
  s.active = false;
  return s;
}

struct Case {
  const char* what;
  std::function<cat::Service()> service;
  std::int64_t starts_at;
  int duration;
  const char* type;  // nullptr: accepted
};

}  // namespace

TEST(CatalogueRules, CheckBookingTable) {
  const auto massage = keel::test::massage;
  const auto all_day = keel::test::all_day;
  const std::int64_t now = limits().now;
  const std::int64_t horizon = now + 365 * 86400;
  const std::vector<Case> cases = {
      {"a plain slot", massage, at("2026-12-10T09:00:00+01:00"), 60, nullptr},
      // Order: each row breaks this rule and every later one.
      {"inactive before all else", inactive, now - 86400 + 5 * 60, 45, "inactive_service"},
      {"duration before time", massage, now - 86400 + 5 * 60, 45, "duration_not_allowed"},
      {"duration zero", massage, at("2026-12-10T09:00:00+01:00"), 0, "duration_not_allowed"},
      {"past before hours", massage, at("2026-03-01T03:05:00+01:00"), 60, "in_the_past"},
      {"horizon before hours", massage, at("2027-12-25T09:05:00+01:00"), 60, "beyond_horizon"},
      {"closed before hours", massage, at("2026-12-25T03:05:00+01:00"), 60, "closed_date"},
      {"hours before grid", massage, at("2026-12-10T08:05:00+01:00"), 60, "outside_opening_hours"},
      // now and the horizon (both Berlin 13:00, the opening of a span).
      {"exactly now", massage, now, 60, nullptr},
      {"one second ago", massage, now - 1, 60, "in_the_past"},
      {"the last slot of the horizon", massage, horizon, 60, nullptr},
      {"one slot beyond the horizon", massage, horizon + 30 * 60, 60, "beyond_horizon"},
      // Opening edges.
      {"start at opening", massage, at("2026-12-10T09:00:00+01:00"), 90, nullptr},
      {"start before opening", massage, at("2026-12-10T08:30:00+01:00"), 60, "outside_opening_hours"},
      {"end at closing", massage, at("2026-12-10T16:00:00+01:00"), 60, nullptr},
      {"end after closing", massage, at("2026-12-10T16:30:00+01:00"), 60, "outside_opening_hours"},
      {"start at closing", massage, at("2026-12-10T17:00:00+01:00"), 30, "outside_opening_hours"},
      {"end at lunch", massage, at("2026-12-10T11:00:00+01:00"), 60, nullptr},
      {"into lunch", massage, at("2026-12-10T11:30:00+01:00"), 60, "outside_opening_hours"},
      {"over lunch", massage, at("2026-12-10T11:30:00+01:00"), 90, "outside_opening_hours"},
      {"during lunch", massage, at("2026-12-10T12:30:00+01:00"), 30, "outside_opening_hours"},
      {"after lunch", massage, at("2026-12-10T13:00:00+01:00"), 30, nullptr},
      {"closed on Sundays", massage, at("2026-12-13T10:00:00+01:00"), 30, "outside_opening_hours"},
      {"one minute inside", minutes, at("2026-12-10T09:30:00+01:00"), 30, nullptr},
      {"one minute over", minutes, at("2026-12-10T09:30:00+01:00"), 31, "outside_opening_hours"},
      {"one minute early", minutes, at("2026-12-10T08:59:00+01:00"), 30, "outside_opening_hours"},
      // The grid starts at each interval's opening.
      {"off the grid by 5 minutes", massage, at("2026-12-10T09:05:00+01:00"), 60, "off_slot_grid"},
      {"off the grid by 30 seconds", massage, at("2026-12-10T09:00:30+01:00"), 60, "off_slot_grid"},
      {"Saturday grid from 10:15", massage, at("2026-12-12T10:15:00+01:00"), 60, nullptr},
      {"Saturday 12:45", massage, at("2026-12-12T12:45:00+01:00"), 90, nullptr},
      {"Saturday on the hour", massage, at("2026-12-12T11:00:00+01:00"), 60, "off_slot_grid"},
      {"every minute", minutes, at("2026-12-10T09:17:00+01:00"), 30, nullptr},
      // Closed dates.
      {"closed date", massage, at("2026-12-25T10:00:00+01:00"), 60, "closed_date"},
      {"the day before", massage, at("2026-12-24T10:00:00+01:00"), 60, nullptr},
      // Over midnight: an all-day service, a span ending at 24:00 joined to one at 00:00.
      {"all day over midnight", all_day, at("2026-12-10T23:00:00+01:00"), 120, nullptr},
      {"all day, the longest, late", all_day, at("2026-12-10T23:45:00+01:00"), 480, nullptr},
      {"all day off its 15-minute grid", all_day, at("2026-12-10T23:50:00+01:00"), 60, "off_slot_grid"},
      {"late over midnight", late, at("2026-12-11T23:00:00+01:00"), 120, nullptr},
      {"late to the end", late, at("2026-12-11T23:00:00+01:00"), 180, nullptr},
      {"late past the end", late, at("2026-12-11T23:30:00+01:00"), 180, "outside_opening_hours"},
      {"late, second day alone", late, at("2026-12-12T00:30:00+01:00"), 60, nullptr},
      {"no span on Thursday night", late, at("2026-12-10T23:00:00+01:00"), 60, "outside_opening_hours"},
      {"daily ends at 17:00, no join", daily, at("2026-12-10T16:00:00+01:00"), 60, nullptr},
      // DST in Europe/Berlin: the Sundays of 2026.
      {"09:00 on the spring Sunday", daily, at("2026-03-29T09:00:00+02:00"), 60, nullptr},
      {"09:00 on the autumn Sunday", daily, at("2026-10-25T09:00:00+01:00"), 60, nullptr},
      {"08:00 on the spring Sunday", daily, at("2026-03-29T08:00:00+02:00"), 60, "outside_opening_hours"},
      {"16:00 on the autumn Sunday", daily, at("2026-10-25T16:00:00+01:00"), 60, nullptr},
      {"over the skipped hour, to the end", night, at("2026-03-29T01:00:00+01:00"), 120, nullptr},
      {"over the skipped hour, past the end", night, at("2026-03-29T01:30:00+01:00"), 120, "outside_opening_hours"},
      {"after the skipped hour", night, at("2026-03-29T03:00:00+02:00"), 60, nullptr},
      {"the same wall times on a plain night", night, at("2026-03-22T02:00:00+01:00"), 120, nullptr},
      {"over the repeated hour", night, at("2026-10-25T01:00:00+02:00"), 120, nullptr},
      {"the repeated hour, first time", night, at("2026-10-25T02:30:00+02:00"), 60, nullptr},
      {"the repeated hour, second time", night, at("2026-10-25T02:30:00+01:00"), 60, nullptr},
      {"after the repeated hour, to the end", night, at("2026-10-25T02:00:00+01:00"), 120, nullptr},
      {"all day on the spring Sunday", all_day, at("2026-03-29T01:45:00+01:00"), 60, nullptr},
  };
  const auto berlin = keel::test::berlin();
  for (const auto& c : cases) {
    const auto v = cat::check_booking(c.service(), berlin, c.starts_at, c.duration, limits());
    if (c.type == nullptr) {
      EXPECT_FALSE(v.has_value()) << c.what << ": " << v->type << " " << v->message;
    } else {
      ASSERT_TRUE(v.has_value()) << c.what;
      EXPECT_EQ(v->type, c.type) << c.what << ": " << v->message;
    }
  }
}

TEST(CatalogueRules, FieldsAndMessages) {
  struct Row {
    std::int64_t starts_at;
    int duration;
    const char* field;
    const char* message;
  };
  const std::vector<Row> rows = {
      {at("2026-12-10T09:00:00+01:00"), 45, "duration_minutes", "Massage can be booked for 30, 60 or 90 minutes"},
      {at("2026-03-01T09:00:00+01:00"), 60, "starts_at", "The start time is in the past"},
      {at("2027-12-10T09:00:00+01:00"), 60, "starts_at", "Bookings can be made at most 365 days ahead"},
      {at("2026-12-25T09:00:00+01:00"), 60, "starts_at", "Massage is closed on 2026-12-25"},
      {at("2026-12-13T09:00:00+01:00"), 60, "starts_at", "Massage is not open on 2026-12-13 (Sunday)"},
      {at("2026-12-10T16:30:00+01:00"), 60, "starts_at",
       "A 60-minute booking at 16:30 is outside the opening hours of Massage on 2026-12-10 (Thursday): "
       "09:00-12:00, 13:00-17:00"},
      {at("2026-12-10T09:05:00+01:00"), 60, "starts_at",
       "Massage takes bookings every 30 minutes from 09:00; 09:05 is not one of those times"},
      {at("2026-12-12T10:45:30+01:00"), 60, "starts_at",
       "Massage takes bookings every 30 minutes from 10:15; 10:45:30 is not one of those times"},
  };
  for (const auto& r : rows) {
    const auto v = cat::check_booking(keel::test::massage(), keel::test::berlin(), r.starts_at, r.duration, limits());
    ASSERT_TRUE(v.has_value()) << r.message;
    EXPECT_EQ(v->field, r.field) << r.message;
    EXPECT_EQ(v->message, r.message);
  }
  const auto v = cat::check_booking(inactive(), keel::test::berlin(), at("2026-12-10T09:00:00+01:00"), 60, limits());
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->field, "service");
  EXPECT_EQ(v->message, "Massage cannot be booked at the moment");
}

TEST(CatalogueRules, ClosedDateCoveredAfterMidnight) {
  cat::Service s = keel::test::all_day();
  s.closed_days = {day_of("2026-12-25")};
  const auto berlin = keel::test::berlin();
  const auto into = cat::check_booking(s, berlin, at("2026-12-24T23:00:00+01:00"), 120, limits());
  ASSERT_TRUE(into.has_value());
  EXPECT_EQ(into->type, "closed_date");
  EXPECT_EQ(into->message, "Legacy is closed on 2026-12-25");
  // Ending at midnight does not touch the closed day.
  EXPECT_FALSE(cat::check_booking(s, berlin, at("2026-12-24T23:00:00+01:00"), 60, limits()).has_value());
}

TEST(CatalogueRules, OccupiedOverlap) {
  struct Row {
    const char* a_start;
    const char* a_end;
    const char* b_start;
    const char* b_end;
    int before;
    int after;
    bool overlap;
  };
  const std::vector<Row> rows = {
      {"2026-12-10T10:00:00Z", "2026-12-10T11:00:00Z", "2026-12-10T11:00:00Z", "2026-12-10T12:00:00Z", 0, 0, false},
      {"2026-12-10T11:00:00Z", "2026-12-10T12:00:00Z", "2026-12-10T10:00:00Z", "2026-12-10T11:00:00Z", 0, 0, false},
      {"2026-12-10T10:00:00Z", "2026-12-10T11:00:00Z", "2026-12-10T10:59:00Z", "2026-12-10T12:00:00Z", 0, 0, true},
      {"2026-12-10T10:00:00Z", "2026-12-10T11:00:00Z", "2026-12-10T10:15:00Z", "2026-12-10T10:30:00Z", 0, 0, true},
      {"2026-12-10T10:15:00Z", "2026-12-10T10:30:00Z", "2026-12-10T10:00:00Z", "2026-12-10T11:00:00Z", 0, 0, true},
      // Buffers: a's after-buffer meets b's before-buffer.
      {"2026-12-10T10:00:00Z", "2026-12-10T11:00:00Z", "2026-12-10T11:00:00Z", "2026-12-10T12:00:00Z", 0, 1, true},
      {"2026-12-10T10:00:00Z", "2026-12-10T11:00:00Z", "2026-12-10T11:00:00Z", "2026-12-10T12:00:00Z", 1, 0, true},
      {"2026-12-10T10:00:00Z", "2026-12-10T11:00:00Z", "2026-12-10T11:30:00Z", "2026-12-10T12:00:00Z", 15, 15, false},
      {"2026-12-10T10:00:00Z", "2026-12-10T11:00:00Z", "2026-12-10T11:30:00Z", "2026-12-10T12:00:00Z", 15, 16, true},
      {"2026-12-10T11:30:00Z", "2026-12-10T12:00:00Z", "2026-12-10T10:00:00Z", "2026-12-10T11:00:00Z", 16, 15, true},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(cat::occupied_overlap(at(r.a_start), at(r.a_end), at(r.b_start), at(r.b_end), r.before, r.after),
              r.overlap)
        << r.a_start << " " << r.b_start << " " << r.before << "/" << r.after;
  }
}
