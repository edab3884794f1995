// The calendar file writer (services/calendar/ics): escaping, folding at 75
// octets without splitting UTF-8, and a whole document's shape.
#include "services/calendar/ics.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace {

using keel::calendar::escape_text;
using keel::calendar::fold_line;

// Physical lines of a CRLF document (the final CRLF ends the last line).
std::vector<std::string> physical_lines(const std::string& doc) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < doc.size()) {
    std::size_t crlf = doc.find("\r\n", at);
    EXPECT_NE(crlf, std::string::npos) << "a line without CRLF";
    if (crlf == std::string::npos) break;
    out.push_back(doc.substr(at, crlf - at));
    at = crlf + 2;
  }
  return out;
}

// RFC 5545 3.1 unfolding: remove every CRLF followed by a space.
std::string unfold(const std::string& doc) {
  std::string out;
  for (std::size_t i = 0; i < doc.size(); ++i) {
    if (doc.compare(i, 3, "\r\n ") == 0) {
      i += 2;
      continue;
    }
    out += doc[i];
  }
  return out;
}

bool valid_utf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}

TEST(Ics, EscapeTable) {
  struct Case {
    std::string in, out;
  } cases[] = {
      {"plain", "plain"},
      {"a,b", "a\\,b"},
      {"a;b", "a\\;b"},
      {"back\\slash", "back\\\\slash"},
      {"two\nlines", "two\\nlines"},
      {"crlf\r\nline", "crlf\\nline"},
      {"Zoë: Ångström, \"quoted\"", "Zoë: Ångström\\, \"quoted\""},
      {"", ""},
  };
  for (const auto& c : cases) EXPECT_EQ(escape_text(c.in), c.out) << c.in;
}

TEST(Ics, ShortLineIsNotFolded) {
  EXPECT_EQ(fold_line("SUMMARY:Massage"), "SUMMARY:Massage\r\n");
  std::string exactly75(75, 'x');
  EXPECT_EQ(fold_line(exactly75), exactly75 + "\r\n");
}

TEST(Ics, LongAsciiLineFoldsAt75Octets) {
  std::string line(200, 'a');
  std::string folded = fold_line(line);
  auto lines = physical_lines(folded);
  ASSERT_EQ(lines.size(), 3u);  // 75 + (1 + 74) + (1 + 51)
  EXPECT_EQ(lines[0].size(), 75u);
  EXPECT_EQ(lines[1].size(), 75u);
  EXPECT_EQ(lines[1][0], ' ');
  EXPECT_EQ(unfold(folded), line + "\r\n");
}

TEST(Ics, FoldingNeverSplitsAUtf8Character) {
  // Every prefix length so that the 75-octet boundary falls at each byte of
  // 2-, 3- and 4-byte characters.
  for (const std::string ch : {"é", "€", "😀"}) {
    for (std::size_t prefix = 60; prefix < 80; ++prefix) {
      std::string line = "SUMMARY:" + std::string(prefix, 'x');
      for (int i = 0; i < 40; ++i) line += ch;
      std::string folded = fold_line(line);
      for (const auto& l : physical_lines(folded)) {
        EXPECT_LE(l.size(), 75u);
        std::string content = l.empty() || l[0] != ' ' ? l : l.substr(1);
        EXPECT_TRUE(valid_utf8(content)) << "prefix " << prefix << " char " << ch;
      }
      EXPECT_EQ(unfold(folded), line + "\r\n");
    }
  }
}

TEST(Ics, FormatUtc) {
  EXPECT_EQ(keel::calendar::format_utc(0), "19700101T000000Z");
  EXPECT_EQ(keel::calendar::format_utc(1796889600), "20261210T080000Z");
}

TEST(Ics, DocumentShape) {
  keel::calendar::Event e{.uid = "booking-42@keel",
                          .dtstamp = 1796815200,
                          .starts_at = 1796889600,
                          .ends_at = 1796893200,
                          .summary = "Massage, deep tissue; 60 min — Zoë's studio with a long name that needs folding",
                          .description = "Reference BK-000042\nManage it in the app",
                          .status = "CONFIRMED",
                          .sequence = 2};
  std::string doc = keel::calendar::ics_document(e);
  for (const auto& l : physical_lines(doc)) EXPECT_LE(l.size(), 75u) << l;
  std::string flat = unfold(doc);
  std::vector<std::string> want = {"BEGIN:VCALENDAR",
                                   "VERSION:2.0",
                                   "PRODID:-//keel//bookings//EN",
                                   "CALSCALE:GREGORIAN",
                                   "METHOD:PUBLISH",
                                   "BEGIN:VEVENT",
                                   "UID:booking-42@keel",
                                   "DTSTAMP:20261209T112000Z",
                                   "DTSTART:20261210T080000Z",
                                   "DTEND:20261210T090000Z",
                                   "SEQUENCE:2",
                                   "STATUS:CONFIRMED",
                                   "SUMMARY:Massage\\, deep tissue\\; 60 min — Zoë's studio with a long name that "
                                   "needs folding",
                                   "DESCRIPTION:Reference BK-000042\\nManage it in the app",
                                   "END:VEVENT",
                                   "END:VCALENDAR"};
  std::string expected;
  for (const auto& w : want) expected += w + "\r\n";
  EXPECT_EQ(flat, expected);
  // No bare LF anywhere.
  for (std::size_t i = 0; i < doc.size(); ++i) {
    if (doc[i] == '\n') {
      EXPECT_TRUE(i > 0 && doc[i - 1] == '\r');
    }
  }
}

TEST(Ics, EmptyDescriptionIsOmitted) {
  keel::calendar::Event e{.uid = "booking-1@keel", .summary = "Haircut", .status = "TENTATIVE"};
  EXPECT_EQ(keel::calendar::ics_document(e).find("DESCRIPTION"), std::string::npos);
}

}  // namespace
