#include "http/text/http_date.hpp"

#include <gtest/gtest.h>

using keel::text::format_http_date;
using keel::text::parse_http_date;

namespace {
constexpr std::time_t k1994 = 784111777;  // Sun, 06 Nov 1994 08:49:37 GMT
constexpr std::time_t kNow = 1700000000;  // 2023-11-14
}  // namespace

TEST(HttpDate, Format) {
  EXPECT_EQ(format_http_date(k1994), "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(format_http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(format_http_date(951782400), "Tue, 29 Feb 2000 00:00:00 GMT");
  EXPECT_EQ(format_http_date(1403716338), "Wed, 25 Jun 2014 17:12:18 GMT");  // Go's range_with_modtime
  EXPECT_EQ(format_http_date(-1), "Wed, 31 Dec 1969 23:59:59 GMT");
  EXPECT_EQ(format_http_date(253402300799), "Fri, 31 Dec 9999 23:59:59 GMT");
  EXPECT_EQ(format_http_date(-62167219200), "Sat, 01 Jan 0000 00:00:00 GMT");  // the first IMF-fixdate year
}

// Every formatted date reads back as the same instant: steps of an odd
// number of seconds from year 0 to 9999 reach every field's every value.
TEST(HttpDate, FormatReadsBack) {
  for (std::int64_t t = -62167219200; t <= 253402300799; t += 7919 * 3607) {
    const std::string text = format_http_date(static_cast<std::time_t>(t));
    ASSERT_EQ(text.size(), 29u) << t;
    EXPECT_EQ(parse_http_date(text, kNow), static_cast<std::time_t>(t)) << text;
  }
}

TEST(HttpDate, ParsesTheThreeFormats) {
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT", kNow), k1994);
  EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT", kNow), k1994);
  EXPECT_EQ(parse_http_date("Sun Nov  6 08:49:37 1994", kNow), k1994);
  EXPECT_EQ(parse_http_date("Wed Jun 25 17:12:18 2014", kNow), 1403716338);
  EXPECT_EQ(parse_http_date("  Sun, 06 Nov 1994 08:49:37 GMT \t", kNow), k1994);
  EXPECT_EQ(parse_http_date("sun, 06 nov 1994 08:49:37 gmt", kNow), k1994);
}

TEST(HttpDate, RoundTrips) {
  for (std::time_t t : {std::time_t{0}, k1994, std::time_t{951782400}, std::time_t{1700000000}, std::time_t{4102444799},
                        std::time_t{-86400 * 365}}) {
    EXPECT_EQ(parse_http_date(format_http_date(t), kNow), t) << t;
  }
}

TEST(HttpDate, Rfc850TwoDigitYears) {
  // Interpreted within 50 years of "now" (2023).
  EXPECT_EQ(parse_http_date("Tuesday, 14-Nov-23 22:13:20 GMT", kNow), 1700000000);
  EXPECT_EQ(format_http_date(*parse_http_date("Monday, 01-Jan-73 00:00:00 GMT", kNow)),
            "Sun, 01 Jan 2073 00:00:00 GMT");
  EXPECT_EQ(format_http_date(*parse_http_date("Tuesday, 01-Jan-74 00:00:00 GMT", kNow)),
            "Tue, 01 Jan 1974 00:00:00 GMT");
}

TEST(HttpDate, Leapseconds) { EXPECT_EQ(parse_http_date("Sat, 31 Dec 2016 23:59:60 GMT", kNow), 1483228800); }

TEST(HttpDate, RejectsInvalid) {
  for (const char* s : {
           "",
           "yesterday",
           "Sun, 06 Nov 1994 08:49:37",      // no zone
           "Sun, 06 Nov 1994 08:49:37 UTC",  // zone must be GMT
           "Sun, 06 Nov 1994 08:49:37 +0000",
           "Sun, 6 Nov 1994 08:49:37 GMT",   // day needs 2 digits
           "Sun, 06 Nov 94 08:49:37 GMT",    // year needs 4 digits
           "Sun, 31 Nov 1994 08:49:37 GMT",  // no such day
           "Sun, 29 Feb 1900 08:49:37 GMT",  // 1900 is not leap
           "Sun, 06 Nox 1994 08:49:37 GMT",
           "Sun, 06 Nov 1994 24:00:00 GMT",
           "Sun, 06 Nov 1994 08:60:00 GMT",
           "Sun, 06 Nov 1994 08:49:61 GMT",
           "Sun, 06 Nov 1994 08:49:37 GMT junk",
           "Sunday, 06-Nov-1994 08:49:37 GMT",
           "Sun, 06-Nov-94 08:49:37 GMT",  // RFC 850 wants the long day name
           "Sun Nov 6 08:49:37 1994",      // asctime pads the day with a space
           "Sun Nov  6 08:49:37 94",
           "2014-06-25T17:12:18Z",
           "Sun, 06 Nov 1994 8:49:37 GMT",
       }) {
    EXPECT_EQ(parse_http_date(s, kNow), std::nullopt) << s;
  }
  EXPECT_TRUE(parse_http_date("Sun, 29 Feb 2000 08:49:37 GMT", kNow).has_value());
}
