#include "http/text/iso_datetime.hpp"

#include <gtest/gtest.h>

using namespace keel::text;

TEST(Datetime, ParsesIsoWithOffsetToUtc) {
  EXPECT_EQ(parse_iso_datetime("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_iso_datetime("2026-12-01T09:30:00+01:00"), parse_iso_datetime("2026-12-01T08:30:00Z"));
  EXPECT_EQ(parse_iso_datetime("2026-12-01T09:30:00-0230"), parse_iso_datetime("2026-12-01T12:00:00Z"));
  EXPECT_EQ(parse_iso_datetime("2026-12-01T09:30:00.123456Z"), parse_iso_datetime("2026-12-01T09:30:00Z"));
  EXPECT_EQ(parse_iso_datetime("2024-02-29T00:00Z"), parse_iso_datetime("2024-02-29T00:00:00Z"));
  EXPECT_EQ(format_iso_utc(*parse_iso_datetime("2026-12-01T09:30:00+01:00")), "2026-12-01T08:30:00Z");
}

TEST(Datetime, RejectsBadInput) {
  for (const char* s :
       {"", "2026-12-01", "2026-12-01T09:30:00", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z", "2026-04-31T00:00:00Z",
        "2026-12-01T24:00:00Z", "2026-12-01T09:60:00Z", "2026-12-01T09:30:00+25:00", "2026-12-01T09:30:00Zjunk",
        "26-12-01T09:30:00Z", "tomorrow", "2026-12-01T09:30:00.Z"})
    EXPECT_FALSE(parse_iso_datetime(s).has_value()) << s;
  EXPECT_TRUE(parse_iso_datetime("2026-12-01", false).has_value());
  EXPECT_TRUE(parse_iso_datetime("2026-12-01T09:30:00", false).has_value());
}

TEST(Datetime, FormatsWithAnOffset) {
  struct Case {
    std::int64_t t;
    int offset;
    const char* want;
  } cases[] = {
      {1796889600, 3600, "2026-12-10T09:00:00+01:00"},
      {1796889600, -18000, "2026-12-10T03:00:00-05:00"},
      {1796889600, 19800, "2026-12-10T13:30:00+05:30"},
      {1796889600, 0, "2026-12-10T08:00:00+00:00"},
      {1796889600, -12600, "2026-12-10T04:30:00-03:30"},
      {0, -3600, "1969-12-31T23:00:00-01:00"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(keel::text::format_iso_offset(c.t, c.offset), c.want);
    EXPECT_EQ(keel::text::parse_iso_datetime(c.want), c.t) << c.want;
  }
}
