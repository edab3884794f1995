#include "http/text/civil.hpp"

#include <gtest/gtest.h>

#include <cstdint>

using namespace keel::text;

TEST(Civil, FromEpochTable) {
  struct Case {
    std::int64_t t;
    int y;
    unsigned mo, d, h, mi, s, wd;
  };
  const Case cases[] = {
      {0, 1970, 1, 1, 0, 0, 0, 4},  // a Thursday
      {-1, 1969, 12, 31, 23, 59, 59, 3},     {-86400, 1969, 12, 31, 0, 0, 0, 3},
      {-86401, 1969, 12, 30, 23, 59, 59, 2}, {784111777, 1994, 11, 6, 8, 49, 37, 0},  // Sunday
      {951782400, 2000, 2, 29, 0, 0, 0, 2},                                           // 2000 is a leap year
      {951868800, 2000, 3, 1, 0, 0, 0, 3},   {4107542400, 2100, 3, 1, 0, 0, 0, 1},    // 2100 is not
      {1709164800, 2024, 2, 29, 0, 0, 0, 4}, {253402300799, 9999, 12, 31, 23, 59, 59, 5},
      {-62135596800, 1, 1, 1, 0, 0, 0, 1},
  };
  for (const auto& c : cases) {
    const CivilTime ct = civil_from_epoch(c.t);
    EXPECT_EQ(ct.year, c.y) << c.t;
    EXPECT_EQ(ct.month, c.mo) << c.t;
    EXPECT_EQ(ct.day, c.d) << c.t;
    EXPECT_EQ(ct.hour, c.h) << c.t;
    EXPECT_EQ(ct.minute, c.mi) << c.t;
    EXPECT_EQ(ct.second, c.s) << c.t;
    EXPECT_EQ(ct.weekday, c.wd) << c.t;
    EXPECT_EQ(epoch_from_civil(ct.year, ct.month, ct.day, ct.hour, ct.minute, ct.second), c.t) << c.t;
  }
}

TEST(Civil, ToEpochChecksTheDate) {
  EXPECT_EQ(epoch_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(epoch_from_civil(2016, 12, 31, 23, 59, 60), 1483228800);  // a leap second rolls over
  EXPECT_EQ(epoch_from_civil(2024, 2, 29), 1709164800);
  EXPECT_EQ(epoch_from_civil(2000, 2, 29), 951782400);
  struct Bad {
    int y;
    unsigned mo, d, h, mi, s;
  };
  const Bad bad[] = {
      {2023, 2, 29, 0, 0, 0},  {1900, 2, 29, 0, 0, 0}, {2100, 2, 29, 0, 0, 0}, {2026, 4, 31, 0, 0, 0},
      {2026, 0, 1, 0, 0, 0},   {2026, 13, 1, 0, 0, 0}, {2026, 1, 0, 0, 0, 0},  {2026, 1, 32, 0, 0, 0},
      {2026, 1, 257, 0, 0, 0}, {2026, 1, 1, 24, 0, 0}, {2026, 1, 1, 0, 60, 0}, {2026, 1, 1, 0, 0, 61},
      {40000, 1, 1, 0, 0, 0},
  };
  for (const auto& b : bad)
    EXPECT_EQ(epoch_from_civil(b.y, b.mo, b.d, b.h, b.mi, b.s), std::nullopt) << b.y << "-" << b.mo << "-" << b.d;
}
