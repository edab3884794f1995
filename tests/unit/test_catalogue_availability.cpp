#include "services/catalogue/availability.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "catalogue_support.hpp"

namespace cat = keel::catalogue;
using keel::test::at;
using keel::test::day_of;

namespace {

// "2026-12-10T09:00+01:00", "2026-12-10T09:30+01:00", ... for minutes first..last of a day.
std::vector<std::string> series(const std::string& date, const std::string& offset, int first, int last, int step) {
  std::vector<std::string> out;
  for (int m = first; m <= last; m += step) {
    const std::string hh = std::to_string(100 + m / 60).substr(1);
    const std::string mm = std::to_string(100 + m % 60).substr(1);
    out.push_back(date + "T" + hh + ":" + mm + offset);
  }
  return out;
}

std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// 09:00-17:00 every day, 60-minute bookings every 30 minutes.
cat::Service plain() {
  cat::Service s;
  s.name = "Consultation";
  s.durations = {60};
  s.slot_step_min = 30;
  s.opening_hours = keel::test::every_day({{9 * 60, 17 * 60}});
  return s;
}

cat::Service with_lunch() {
  cat::Service s = plain();
  s.opening_hours = keel::test::every_day({{9 * 60, 12 * 60}, {13 * 60, 17 * 60}});
  return s;
}

cat::Service buffered(int before, int after) {
  cat::Service s = plain();
  s.buffer_before_min = before;
  s.buffer_after_min = after;
  return s;
}

cat::Service all_day(int step, int duration) {
  cat::Service s = keel::test::all_day();
  s.slot_step_min = step;
  s.durations = {duration};
  return s;
}

cat::BookingLimits early() { return {at("2026-03-02T12:00:00Z"), 365}; }

struct Case {
  const char* what;
  cat::Service service;
  const char* from;
  const char* to;
  int duration;
  std::vector<cat::Busy> busy;
  cat::BookingLimits limits;
  std::vector<std::string> expected;  // business wall times with their offset
};

cat::Busy busy(const char* from, const char* to) { return {at(from), at(to)}; }

}  // namespace

TEST(CatalogueAvailability, FreeSlotsTable) {
  const std::string dec10 = "2026-12-10";
  const std::string cet = "+01:00";
  cat::Service closed_25th = plain();
  closed_25th.closed_days = {day_of("2026-12-25")};
  cat::Service inactive = plain();
  inactive.active = false;

  const std::vector<Case> cases = {
      {"a plain day",
       plain(),
       "2026-12-10T00:00:00+01:00",
       "2026-12-11T00:00:00+01:00",
       60,
       {},
       early(),
       series(dec10, cet, 9 * 60, 16 * 60, 30)},
      {"a lunch break",
       with_lunch(),
       "2026-12-10T00:00:00+01:00",
       "2026-12-11T00:00:00+01:00",
       60,
       {},
       early(),
       series(dec10, cet, 9 * 60, 11 * 60, 30) + series(dec10, cet, 13 * 60, 16 * 60, 30)},
      {"a booking without buffers",
       plain(),
       "2026-12-10T00:00:00+01:00",
       "2026-12-11T00:00:00+01:00",
       60,
       {busy("2026-12-10T10:00:00+01:00", "2026-12-10T11:00:00+01:00")},
       early(),
       series(dec10, cet, 9 * 60, 9 * 60, 30) + series(dec10, cet, 11 * 60, 16 * 60, 30)},
      // 10:00-11:00 occupies 10:00-11:15: a slot must start at 11:15 or later, and its own
      // buffer after must end by 10:00: 09:00-10:15 collides too.
      {"buffer after 15",
       buffered(0, 15),
       "2026-12-10T00:00:00+01:00",
       "2026-12-11T00:00:00+01:00",
       60,
       {busy("2026-12-10T10:00:00+01:00", "2026-12-10T11:00:00+01:00")},
       early(),
       series(dec10, cet, 11 * 60 + 30, 16 * 60, 30)},
      {"buffer before 15",
       buffered(15, 0),
       "2026-12-10T00:00:00+01:00",
       "2026-12-11T00:00:00+01:00",
       60,
       {busy("2026-12-10T10:00:00+01:00", "2026-12-10T11:00:00+01:00")},
       early(),
       series(dec10, cet, 11 * 60 + 30, 16 * 60, 30)},
      // 30 minutes both sides: 12:00-13:00 occupies 11:30-13:30, a slot c occupies c-30 to c+90.
      {"buffers both sides",
       buffered(30, 30),
       "2026-12-10T00:00:00+01:00",
       "2026-12-11T00:00:00+01:00",
       60,
       {busy("2026-12-10T12:00:00+01:00", "2026-12-10T13:00:00+01:00")},
       early(),
       series(dec10, cet, 9 * 60, 10 * 60, 30) + series(dec10, cet, 14 * 60, 16 * 60, 30)},
      {"back-to-back bookings",
       plain(),
       "2026-12-10T00:00:00+01:00",
       "2026-12-11T00:00:00+01:00",
       60,
       {busy("2026-12-10T11:00:00+01:00", "2026-12-10T12:00:00+01:00"),
        busy("2026-12-10T10:00:00+01:00", "2026-12-10T11:00:00+01:00"),
        busy("2026-12-10T12:00:00+01:00", "2026-12-10T13:00:00+01:00")},
       early(),
       series(dec10, cet, 9 * 60, 9 * 60, 30) + series(dec10, cet, 13 * 60, 16 * 60, 30)},
      {"a long booking hides behind a short one",
       plain(),
       "2026-12-10T00:00:00+01:00",
       "2026-12-11T00:00:00+01:00",
       60,
       {busy("2026-12-10T09:00:00+01:00", "2026-12-10T15:00:00+01:00"),
        busy("2026-12-10T09:30:00+01:00", "2026-12-10T10:00:00+01:00")},
       early(),
       series(dec10, cet, 15 * 60, 16 * 60, 30)},
      {"bookings on other days",
       plain(),
       "2026-12-10T00:00:00+01:00",
       "2026-12-11T00:00:00+01:00",
       60,
       {busy("2026-12-09T09:00:00+01:00", "2026-12-09T17:00:00+01:00"),
        busy("2026-12-11T09:00:00+01:00", "2026-12-11T17:00:00+01:00")},
       early(),
       series(dec10, cet, 9 * 60, 16 * 60, 30)},
      {"a closed date",
       closed_25th,
       "2026-12-25T00:00:00+01:00",
       "2026-12-27T00:00:00+01:00",
       60,
       {},
       early(),
       series("2026-12-26", cet, 9 * 60, 16 * 60, 30)},
      // Spring: 02:00-02:59 do not exist; 23 hours of slots.
      {"the spring DST day",
       all_day(60, 60),
       "2026-03-29T00:00:00+01:00",
       "2026-03-30T00:00:00+02:00",
       60,
       {},
       early(),
       series("2026-03-29", cet, 0, 60, 60) + series("2026-03-29", "+02:00", 3 * 60, 23 * 60, 60)},
      // Autumn: 02:00-02:59 happen twice and are offered once, at +02:00.
      {"the autumn DST day",
       all_day(30, 30),
       "2026-10-25T00:00:00+02:00",
       "2026-10-26T00:00:00+01:00",
       30,
       {},
       early(),
       series("2026-10-25", "+02:00", 0, 150, 30) + series("2026-10-25", cet, 180, 23 * 60 + 30, 30)},
      // A New York day (UTC-5) is 06:00 to 06:00 in Berlin.
      {"days in New York",
       plain(),
       "2026-12-09T00:00:00-05:00",
       "2026-12-11T00:00:00-05:00",
       60,
       {},
       early(),
       series("2026-12-09", cet, 9 * 60, 16 * 60, 30) + series(dec10, cet, 9 * 60, 16 * 60, 30)},
      {"noon to noon in Berlin",
       plain(),
       "2026-12-10T06:00:00-05:00",
       "2026-12-11T06:00:00-05:00",
       60,
       {},
       early(),
       series(dec10, cet, 12 * 60, 16 * 60, 30) + series("2026-12-11", cet, 9 * 60, 11 * 60 + 30, 30)},
      {"a range ending at 10:30 in Berlin",
       plain(),
       "2026-12-10T00:00:00+01:00",
       "2026-12-10T22:30:00+13:00",
       60,
       {},
       early(),
       series(dec10, cet, 9 * 60, 10 * 60, 30)},
      {"now in mid-day",
       plain(),
       "2026-12-10T00:00:00+01:00",
       "2026-12-11T00:00:00+01:00",
       60,
       {},
       {at("2026-12-10T11:45:00+01:00"), 90},
       series(dec10, cet, 12 * 60, 16 * 60, 30)},
      {"now on a slot",
       plain(),
       "2026-12-10T00:00:00+01:00",
       "2026-12-11T00:00:00+01:00",
       60,
       {},
       {at("2026-12-10T12:00:00+01:00"), 90},
       series(dec10, cet, 12 * 60, 16 * 60, 30)},
      {"all in the past",
       plain(),
       "2026-12-10T00:00:00+01:00",
       "2026-12-11T00:00:00+01:00",
       60,
       {},
       {at("2026-12-11T00:00:00+01:00"), 90},
       {}},
      {"the horizon cuts the day",
       plain(),
       "2026-12-10T00:00:00+01:00",
       "2026-12-12T00:00:00+01:00",
       60,
       {},
       {at("2026-12-01T12:00:00+01:00"), 9},
       series(dec10, cet, 9 * 60, 12 * 60, 30)},
      {"a duration the service does not offer",
       plain(),
       "2026-12-10T00:00:00+01:00",
       "2026-12-11T00:00:00+01:00",
       30,
       {},
       early(),
       {}},
      {"an inactive service", inactive, "2026-12-10T00:00:00+01:00", "2026-12-11T00:00:00+01:00", 60, {}, early(), {}},
      {"an empty range", plain(), "2026-12-10T12:00:00+01:00", "2026-12-10T12:00:00+01:00", 60, {}, early(), {}},
  };
  const auto berlin = keel::test::berlin();
  for (const auto& c : cases) {
    const auto slots = cat::free_slots(c.service, berlin, at(c.from), at(c.to), c.duration, c.busy, c.limits);
    EXPECT_EQ(keel::test::walls(berlin, slots), c.expected) << c.what;
  }
}

TEST(CatalogueAvailability, AllDaySpringDayCountsTwentyThreeHours) {
  const auto berlin = keel::test::berlin();
  const auto slots = cat::free_slots(all_day(15, 15), berlin, at("2026-03-29T00:00:00+01:00"),
                                     at("2026-03-30T00:00:00+02:00"), 15, {}, early());
  EXPECT_EQ(slots.size(), 23u * 4u);
  for (std::int64_t t : slots) EXPECT_NE(cat::minute_of_day(berlin.to_local(t)) / 60, 2) << keel::test::wall(berlin, t);
}

TEST(CatalogueAvailability, ThousandsOfBookingsInAMonth) {
  // Every other 15-minute slot of 31 days is taken: the free ones are the rest.
  const auto berlin = keel::test::berlin();
  const std::int64_t from = at("2026-12-01T00:00:00+01:00");
  const std::int64_t to = at("2027-01-01T00:00:00+01:00");
  std::vector<cat::Busy> taken;
  for (std::int64_t t = from; t < to; t += 30 * 60) taken.push_back({t, t + 15 * 60});
  std::reverse(taken.begin(), taken.end());
  const auto slots = cat::free_slots(all_day(15, 15), berlin, from, to, 15, taken, early());
  ASSERT_EQ(slots.size(), taken.size());
  for (std::size_t i = 0; i < slots.size(); ++i) EXPECT_EQ(slots[i], from + 15 * 60 + std::int64_t(i) * 30 * 60);
}

// For random services, bookings and ranges: every slot is bookable and free,
// and every bookable, free minute is a slot (unless it is the second
// occurrence of a repeated wall time, which is offered once).
TEST(CatalogueAvailability, PropertySlotsAreExactlyTheFreeBookableTimes) {
  std::mt19937 rng(15);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const std::vector<const char*> zones = {"Europe/Berlin", "Europe/Berlin", "America/New_York", "Asia/Kolkata"};
  const std::vector<const char*> starts = {"2026-03-27T00:00:00Z", "2026-10-23T00:00:00Z", "2026-03-06T00:00:00Z",
                                           "2026-10-30T00:00:00Z", "2026-12-09T00:00:00Z", "2026-06-15T00:00:00Z"};
  const std::vector<int> steps = {5, 10, 15, 20, 25, 30, 45, 60};
  const std::vector<int> lengths = {15, 30, 45, 60, 90, 120, 240};
  std::size_t slots_seen = 0;
  for (int round = 0; round < 300; ++round) {
    const auto zone = cat::Zone::find(zones[static_cast<std::size_t>(pick(0, 3))]).value();
    cat::Service s;
    s.name = "Random";
    s.slot_step_min = steps[static_cast<std::size_t>(pick(0, 7))];
    for (int len : lengths) {
      if (pick(0, 2) == 0) s.durations.push_back(len);
    }
    if (s.durations.empty()) s.durations.push_back(60);
    s.buffer_before_min = pick(0, 3) == 0 ? pick(1, 30) : 0;
    s.buffer_after_min = pick(0, 3) == 0 ? pick(1, 30) : 0;
    for (auto& day : s.opening_hours) {
      switch (pick(0, 5)) {
        case 0:
          break;  // closed
        case 1:
          day = {{0, 1440}};
          break;
        case 2:
          day = {{pick(0, 48) * 15, 1440}};
          break;
        case 3:
          day = {{0, pick(1, 48) * 15}, {pick(60, 70) * 15, pick(71, 96) * 15}};
          break;
        default: {
          const int open = pick(0, 60) * 5 + 360;
          const int mid = open + pick(6, 40) * 5;
          day = {{open, mid}, {mid + pick(0, 24) * 5, 1320 + pick(0, 24) * 5}};
        }
      }
      if (!day.empty() && day.back().open_min >= day.back().close_min) day.pop_back();
    }
    const std::int64_t from = at(starts[static_cast<std::size_t>(pick(0, 5))]) + pick(0, 24 * 60) * 60;
    const std::int64_t to = from + pick(1, 3 * 24 * 60) * 60;
    const cat::BookingLimits limits{from + pick(-24 * 60, 24 * 60) * 60, pick(1, 4)};
    for (int i = 0, n = pick(0, 4); i < n; ++i)
      s.closed_days.push_back(cat::local_day(zone.to_local(from)) + pick(-1, 4));
    std::sort(s.closed_days.begin(), s.closed_days.end());
    s.closed_days.erase(std::unique(s.closed_days.begin(), s.closed_days.end()), s.closed_days.end());
    std::vector<cat::Busy> busy;
    for (int i = 0, n = pick(0, 30); i < n; ++i) {
      const std::int64_t b = from + pick(-24 * 60, 4 * 24 * 60) * 60;
      busy.push_back({b, b + lengths[static_cast<std::size_t>(pick(0, 6))] * 60});
    }
    const int duration = s.durations[static_cast<std::size_t>(pick(0, static_cast<int>(s.durations.size()) - 1))];

    const auto slots = cat::free_slots(s, zone, from, to, duration, busy, limits);
    slots_seen += slots.size();
    ASSERT_TRUE(std::is_sorted(slots.begin(), slots.end())) << round;
    ASSERT_EQ(std::adjacent_find(slots.begin(), slots.end()), slots.end()) << round;
    auto free_and_bookable = [&](std::int64_t t) {
      if (cat::check_booking(s, zone, t, duration, limits)) return false;
      return std::none_of(busy.begin(), busy.end(), [&](const cat::Busy& b) {
        return cat::occupied_overlap(t, t + duration * 60, b.starts_at, b.ends_at, s.buffer_before_min,
                                     s.buffer_after_min);
      });
    };
    for (std::int64_t t : slots) {
      ASSERT_TRUE(t >= from && t < to) << round;
      ASSERT_TRUE(free_and_bookable(t)) << round << " " << keel::test::wall(zone, t);
    }
    // Every minute of the range (all zones here have whole-minute offsets).
    for (std::int64_t t = (from + 59) / 60 * 60; t < to; t += 60) {
      if (std::binary_search(slots.begin(), slots.end(), t)) continue;
      const bool first_occurrence = zone.to_utc(zone.to_local(t)) == t;
      ASSERT_FALSE(first_occurrence && free_and_bookable(t)) << round << " missing " << keel::test::wall(zone, t);
    }
  }
  EXPECT_GT(slots_seen, 1000u);  // the rounds offer slots, not only refusals
}
