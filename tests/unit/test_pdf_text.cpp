// keel::pdf building blocks that need no PDF: UTF-8 clean-up, text fitting,
// number formatting, report totals, error descriptions.
#include <gtest/gtest.h>

#include <hpdf.h>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "services/pdf/number_format.hpp"
#include "services/pdf/render_error.hpp"
#include "services/pdf/report_totals.hpp"
#include "services/pdf/text_fit.hpp"
#include "services/pdf/theme.hpp"
#include "services/pdf/utf8_text.hpp"

namespace {

using namespace keel::pdf;

const std::string kFffd = "\xEF\xBF\xBD";

// Every code point is one unit wide: easy to reason about in expectations.
double mono(std::string_view s) { return static_cast<double>(code_point_boundaries(s).size() - 1); }

TEST(PdfUtf8, ValidTextPassesUnchanged) {
  for (const std::string s : {"", "plain", "Zoë Ångström", "Łukasz Żółć", "Дмитрий", "Ελένη", "東京 €"}) {
    EXPECT_EQ(sanitize_utf8(s), s);
  }
}

TEST(PdfUtf8, InvalidBytesBecomeReplacementCharacters) {
  EXPECT_EQ(sanitize_utf8("a\xFF"
                          "b"),
            "a" + kFffd + "b");
  EXPECT_EQ(sanitize_utf8("\xC3"), kFffd);  // truncated sequence at the end
  EXPECT_EQ(sanitize_utf8("\xC3"
                          "A"),
            kFffd + "A");                                           // truncated mid-text: 'A' survives
  EXPECT_EQ(sanitize_utf8("\xC0\xAF"), kFffd + kFffd);              // overlong '/'
  EXPECT_EQ(sanitize_utf8("\xED\xA0\x80"), kFffd + kFffd + kFffd);  // UTF-16 surrogate
}

TEST(PdfUtf8, OutsideBmpBecomesReplacementCharacter) {
  EXPECT_EQ(sanitize_utf8("ok \xF0\x9F\x98\x80!"), "ok " + kFffd + "!");  // emoji
}

TEST(PdfUtf8, ControlCharactersBecomeSpaces) {
  EXPECT_EQ(sanitize_utf8("a\tb\nc\x01"
                          "d\x7F"
                          "e\xC2\x85"),
            "a b c d e ");
  EXPECT_EQ(sanitize_utf8("one\r\ntwo\rthree\nfour\t.", true), "one\ntwo\nthree\nfour .");
}

TEST(PdfUtf8, CodePointBoundaries) {
  EXPECT_EQ(code_point_boundaries(""), (std::vector<std::size_t>{0}));
  EXPECT_EQ(code_point_boundaries("aŻb"), (std::vector<std::size_t>{0, 1, 3, 4}));
  EXPECT_EQ(code_point_boundaries("€"), (std::vector<std::size_t>{0, 3}));
}

TEST(PdfTextFit, EllipsisOnlyWhenNeeded) {
  EXPECT_EQ(fit_with_ellipsis("abcdef", 6, mono), "abcdef");
  EXPECT_EQ(fit_with_ellipsis("abcdef", 4, mono), "abc…");
  EXPECT_EQ(fit_with_ellipsis("abcdef", 1, mono), "…");
  EXPECT_EQ(fit_with_ellipsis("abcdef", 0.5, mono), "");
  EXPECT_EQ(fit_with_ellipsis("", 0, mono), "");
}

TEST(PdfTextFit, EllipsisCutsBetweenCodePointsAndDropsTrailingSpaces) {
  EXPECT_EQ(fit_with_ellipsis("ŻółćŻółć", 4, mono), "Żół…");
  EXPECT_EQ(fit_with_ellipsis("ab   cdefgh", 5, mono), "ab…");
}

TEST(PdfTextFit, WrapsAtSpaces) {
  EXPECT_EQ(wrap_text("the quick brown fox jumps", 10, 10, mono),
            (std::vector<std::string>{"the quick", "brown fox", "jumps"}));
  EXPECT_EQ(wrap_text("  spaced    out  ", 20, 10, mono), (std::vector<std::string>{"spaced out"}));
  EXPECT_TRUE(wrap_text("", 10, 10, mono).empty());
  EXPECT_TRUE(wrap_text(" \n \n", 10, 10, mono).empty());
}

TEST(PdfTextFit, SplitsWordsLongerThanALine) {
  EXPECT_EQ(wrap_text("mail: abcdefghijklmnopqrstuvwxyz@example.com", 12, 10, mono),
            (std::vector<std::string>{"mail:", "abcdefghijkl", "mnopqrstuvwx", "yz@example.c", "om"}));
  EXPECT_EQ(wrap_text("ŻółćŻółćŻó", 4, 10, mono), (std::vector<std::string>{"Żółć", "Żółć", "Żó"}));
}

TEST(PdfTextFit, KeepsParagraphsAndCollapsesBlankLines) {
  EXPECT_EQ(wrap_text("one\ntwo\n\n\n\nthree\n", 10, 10, mono), (std::vector<std::string>{"one", "two", "", "three"}));
}

TEST(PdfTextFit, LimitsLinesWithEllipsis) {
  EXPECT_EQ(wrap_text("aa bb cc dd ee", 5, 2, mono), (std::vector<std::string>{"aa bb", "cc d…"}));
  // Exactly enough lines: no ellipsis.
  EXPECT_EQ(wrap_text("aa bb cc dd", 5, 2, mono), (std::vector<std::string>{"aa bb", "cc dd"}));
  // The ellipsis is forced even when the cut happens at a paragraph break.
  EXPECT_EQ(wrap_text("aa\nbb\ncc", 5, 2, mono), (std::vector<std::string>{"aa", "bb…"}));
}

TEST(PdfTextFit, LinesNeverExceedTheWidth) {
  std::string notes;
  for (int i = 0; i < 200; ++i) { notes += std::string("Zoë-") + std::to_string(i * 7919) + (i % 3 ? " " : "\n"); }
  for (double width : {1.0, 3.0, 7.0, 20.0, 55.0}) {
    for (const std::string& line : wrap_text(notes, width, 1000, mono)) { EXPECT_LE(mono(line), width) << line; }
  }
}

TEST(PdfNumberFormat, GroupsThousands) {
  EXPECT_EQ(group_thousands(0), "0");
  EXPECT_EQ(group_thousands(999), "999");
  EXPECT_EQ(group_thousands(1000), "1,000");
  EXPECT_EQ(group_thousands(1234567), "1,234,567");
  EXPECT_EQ(group_thousands(-1234), "-1,234");
  EXPECT_EQ(group_thousands(std::numeric_limits<std::int64_t>::min()), "-9,223,372,036,854,775,808");
}

TEST(PdfNumberFormat, HoursAndMinutes) {
  EXPECT_EQ(hours_minutes(0), "0 min");
  EXPECT_EQ(hours_minutes(45), "45 min");
  EXPECT_EQ(hours_minutes(60), "1 h");
  EXPECT_EQ(hours_minutes(90), "1 h 30 min");
  EXPECT_EQ(hours_minutes(90000), "1,500 h");
  EXPECT_EQ(hours_minutes(-75), "-1 h 15 min");
}

TEST(PdfNumberFormat, Percent) {
  EXPECT_EQ(percent(1, 3), "33.3%");
  EXPECT_EQ(percent(3, 3), "100.0%");
  EXPECT_EQ(percent(0, 0), "0.0%");
}

TEST(PdfReportTotals, CountsPerStatusMostFirst) {
  ReportTotals totals;
  auto add = [&](const char* status, int minutes) {
    BookingRow row;
    row.status = status;
    row.duration_minutes = minutes;
    totals.add(row);
  };
  add("confirmed", 30);
  add("pending", 60);
  add("confirmed", 45);
  add("", 15);
  add("cancelled", 60);
  EXPECT_EQ(totals.count(), 5u);
  EXPECT_EQ(totals.minutes(), 210);
  const std::vector<StatusTotal> by = totals.by_status();
  ASSERT_EQ(by.size(), 4u);
  EXPECT_EQ(by[0].status, "confirmed");
  EXPECT_EQ(by[0].count, 2u);
  EXPECT_EQ(by[0].minutes, 75);
  // Ties keep alphabetical order.
  EXPECT_EQ(by[1].status, "(none)");
  EXPECT_EQ(by[2].status, "cancelled");
  EXPECT_EQ(by[3].status, "pending");
}

TEST(PdfTheme, StatusColours) {
  EXPECT_EQ(theme::status_color("Confirmed"), theme::status_color("completed"));
  EXPECT_EQ(theme::status_color("cancelled"), theme::status_color("no-show"));
  EXPECT_EQ(theme::status_color("unconfirmed"), theme::status_color("pending"));
  EXPECT_NE(theme::status_color("confirmed"), theme::status_color("cancelled"));
  EXPECT_NE(theme::status_color("pending"), theme::status_color("whatever"));
}

TEST(PdfRenderError, CarriesAndDescribesLibharuNumbers) {
  const RenderError e("boom", HPDF_FILE_OPEN_ERROR, 2);
  EXPECT_EQ(e.error_no(), static_cast<unsigned long>(HPDF_FILE_OPEN_ERROR));
  EXPECT_EQ(e.detail_no(), 2u);
  EXPECT_STREQ(e.what(), "boom");
  EXPECT_EQ(describe_hpdf_error(HPDF_FILE_OPEN_ERROR, 2),
            "libharu error 0x1017 (cannot open file), detail 2 (No such file or directory)");
  EXPECT_EQ(describe_hpdf_error(0x1234, 7), "libharu error 0x1234, detail 7");
}

}  // namespace
