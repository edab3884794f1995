#include "services/catalogue/zone.hpp"

#include <gtest/gtest.h>

#include "catalogue_support.hpp"

namespace cat = keel::catalogue;
using keel::test::at;

namespace {

struct OffsetCase {
  const char* zone;
  const char* utc;
  int offset;
};

struct ToUtcCase {
  const char* zone;
  const char* wall;      // written as if the zone were UTC
  const char* expected;  // nullptr: the wall time does not exist
};

struct DayCase {
  std::int64_t local;
  std::int32_t day;
  int minute;
  int weekday;
};

}  // namespace

TEST(CatalogueZone, FindsIanaNamesOnly) {
  for (const char* name : {"Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC"}) {
    const auto z = cat::Zone::find(name);
    ASSERT_TRUE(z.has_value()) << name;
    EXPECT_EQ(z->name(), name);
  }
  // Not zones, other spellings, paths, the host's own zone, tzdata's helper files.
  for (const char* name :
       {"Mars/Base", "", "../etc/passwd", "/etc/passwd", "Europe/../Europe/Berlin", "europe/berlin", "Europe/Berlin ",
        "Europe/Berlin\n", "localtime", "posixrules", "right/UTC", "posix/Europe/Berlin", "+01:00"}) {
    EXPECT_FALSE(cat::Zone::find(name).has_value()) << '"' << name << '"';
  }
}

TEST(CatalogueZone, OffsetAt) {
  const std::vector<OffsetCase> cases = {
      {"Europe/Berlin", "2026-01-15T12:00:00Z", 3600},
      {"Europe/Berlin", "2026-07-15T12:00:00Z", 7200},
      // 2026-03-29: 02:00 CET becomes 03:00 CEST at 01:00 UTC.
      {"Europe/Berlin", "2026-03-29T00:59:59Z", 3600},
      {"Europe/Berlin", "2026-03-29T01:00:00Z", 7200},
      // 2026-10-25: 03:00 CEST becomes 02:00 CET at 01:00 UTC.
      {"Europe/Berlin", "2026-10-25T00:59:59Z", 7200},
      {"Europe/Berlin", "2026-10-25T01:00:00Z", 3600},
      // The longest horizon (3650 days) from today still has DST.
      {"Europe/Berlin", "2036-07-01T12:00:00Z", 7200},
      {"America/New_York", "2026-01-15T12:00:00Z", -5 * 3600},
      {"America/New_York", "2026-07-15T12:00:00Z", -4 * 3600},
      {"America/New_York", "2026-03-08T06:59:59Z", -5 * 3600},
      {"America/New_York", "2026-03-08T07:00:00Z", -4 * 3600},
      {"Asia/Kolkata", "2026-01-15T12:00:00Z", 5 * 3600 + 1800},
      {"Asia/Kolkata", "2026-07-15T12:00:00Z", 5 * 3600 + 1800},
      {"UTC", "2026-07-15T12:00:00Z", 0},
      {"UTC", "1969-12-31T23:59:59Z", 0},
  };
  for (const auto& c : cases) {
    const auto z = cat::Zone::find(c.zone).value();
    EXPECT_EQ(z.offset_at(at(c.utc)), c.offset) << c.zone << " at " << c.utc;
    EXPECT_EQ(z.to_local(at(c.utc)), at(c.utc) + c.offset) << c.zone << " at " << c.utc;
  }
}

TEST(CatalogueZone, ToUtc) {
  const std::vector<ToUtcCase> cases = {
      {"Europe/Berlin", "2026-01-15T09:00:00Z", "2026-01-15T09:00:00+01:00"},
      {"Europe/Berlin", "2026-07-15T09:00:00Z", "2026-07-15T09:00:00+02:00"},
      // Spring: 02:00-02:59 do not exist.
      {"Europe/Berlin", "2026-03-29T01:59:00Z", "2026-03-29T01:59:00+01:00"},
      {"Europe/Berlin", "2026-03-29T02:00:00Z", nullptr},
      {"Europe/Berlin", "2026-03-29T02:30:00Z", nullptr},
      {"Europe/Berlin", "2026-03-29T02:59:59Z", nullptr},
      {"Europe/Berlin", "2026-03-29T03:00:00Z", "2026-03-29T03:00:00+02:00"},
      // Autumn: 02:00-02:59 happen twice; the first time (+02:00) is meant.
      {"Europe/Berlin", "2026-10-25T01:59:00Z", "2026-10-25T01:59:00+02:00"},
      {"Europe/Berlin", "2026-10-25T02:00:00Z", "2026-10-25T02:00:00+02:00"},
      {"Europe/Berlin", "2026-10-25T02:30:00Z", "2026-10-25T02:30:00+02:00"},
      {"Europe/Berlin", "2026-10-25T03:00:00Z", "2026-10-25T03:00:00+01:00"},
      {"America/New_York", "2026-03-08T02:30:00Z", nullptr},
      {"America/New_York", "2026-11-01T01:30:00Z", "2026-11-01T01:30:00-04:00"},
      {"America/New_York", "2026-12-10T09:00:00Z", "2026-12-10T09:00:00-05:00"},
      {"Asia/Kolkata", "2026-06-01T09:00:00Z", "2026-06-01T09:00:00+05:30"},
      {"UTC", "2026-03-29T02:30:00Z", "2026-03-29T02:30:00Z"},
  };
  for (const auto& c : cases) {
    const auto z = cat::Zone::find(c.zone).value();
    const auto got = z.to_utc(at(c.wall));
    if (c.expected == nullptr) {
      EXPECT_FALSE(got.has_value()) << c.zone << " " << c.wall;
    } else {
      EXPECT_EQ(got, at(c.expected)) << c.zone << " " << c.wall;
    }
  }
}

TEST(CatalogueZone, LocalDayMinuteAndWeekday) {
  const std::vector<DayCase> cases = {
      {0, 0, 0, 3},   // 1970-01-01 00:00, a Thursday
      {59, 0, 0, 3},  // seconds do not make a minute
      {60, 0, 1, 3},
      {86399, 0, 1439, 3},
      {86400, 1, 0, 4},
      {-1, -1, 1439, 2},  // 1969-12-31 23:59:59, a Wednesday
      {-60, -1, 1439, 2},
      {-61, -1, 1438, 2},
      {-86400, -1, 0, 2},
      {-86401, -2, 1439, 1},
      {-7 * 86400, -7, 0, 3},
      {-8 * 86400 + 1, -8, 0, 2},
      {at("2026-12-10T09:30:00Z"), 20797, 570, 3},   // a Thursday
      {at("2026-12-13T23:59:00Z"), 20800, 1439, 6},  // a Sunday
      {at("2026-12-14T00:00:00Z"), 20801, 0, 0},     // a Monday
  };
  for (const auto& c : cases) {
    EXPECT_EQ(cat::local_day(c.local), c.day) << c.local;
    EXPECT_EQ(cat::minute_of_day(c.local), c.minute) << c.local;
    EXPECT_EQ(cat::weekday(cat::local_day(c.local)), c.weekday) << c.local;
  }
}
