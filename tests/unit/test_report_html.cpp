// The bookings report's HTML by itself: figures match the inputs, user text
// is escaped, the document's tags balance; and the report file: gzip of
// exactly the HTML, its sha256, removed when it goes.
#include "http/codec/gzip_inflate.hpp"
#include "services/crypto/sha256.hpp"
#include "services/reports/html.hpp"
#include "services/reports/report_file.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

using namespace keel;
using namespace keel::reports;

namespace {

// Checks that every tag closes in order (void elements and <!...> aside,
// script and style bodies skipped) and that every '&' starts a character
// reference. Returns "" or what is wrong.
std::string check_balanced(const std::string& html) {
  static const std::set<std::string> kVoid = {"meta", "br", "img", "input", "link", "hr"};
  std::vector<std::string> open;
  std::size_t i = 0;
  while (i < html.size()) {
    const char c = html[i];
    if (c == '&') {
      std::size_t semi = html.find(';', i);
      if (semi == std::string::npos || semi - i > 8) return "bare & at " + std::to_string(i);
      for (std::size_t k = i + 1; k < semi; ++k)
        if (!std::isalnum(static_cast<unsigned char>(html[k])) && html[k] != '#') return "bad reference";
      i = semi + 1;
      continue;
    }
    if (c == '>') return "stray > at " + std::to_string(i);
    if (c != '<') {
      ++i;
      continue;
    }
    if (html.compare(i, 2, "<!") == 0) {
      i = html.find('>', i) + 1;
      continue;
    }
    const bool closing = html.compare(i, 2, "</") == 0;
    std::size_t start = i + (closing ? 2 : 1);
    std::size_t end = start;
    while (end < html.size() && (std::isalnum(static_cast<unsigned char>(html[end])))) ++end;
    const std::string name = html.substr(start, end - start);
    if (name.empty()) return "empty tag name at " + std::to_string(i);
    // The tag's end, quotes respected.
    char quote = 0;
    std::size_t k = end;
    for (; k < html.size(); ++k) {
      if (quote) {
        if (html[k] == quote) quote = 0;
      } else if (html[k] == '"' || html[k] == '\'') {
        quote = html[k];
      } else if (html[k] == '>') {
        break;
      } else if (html[k] == '<') {
        return "< inside tag " + name;
      }
    }
    if (k >= html.size()) return "unterminated tag " + name;
    i = k + 1;
    if (closing) {
      if (open.empty() || open.back() != name) return "</" + name + "> closes " + (open.empty() ? "nothing" : open.back());
      open.pop_back();
      continue;
    }
    if (kVoid.count(name) || html[k - 1] == '/') continue;
    if (name == "script" || name == "style") {
      const std::size_t close = html.find("</" + name + ">", i);
      if (close == std::string::npos) return "unclosed " + name;
      i = close + name.size() + 3;
      continue;
    }
    open.push_back(name);
  }
  if (!open.empty()) return "unclosed <" + open.back() + ">";
  return "";
}

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

const std::int64_t kTo = 1796860800 + 13 * 3600;  // 2026-12-10 13:00 UTC

Summary summary() {
  Summary s;
  s.from = kTo - 30 * kDay;
  s.to = kTo;
  s.by_status = {{"cancelled", 1}, {"confirmed", 3}, {"pending", 4}};
  s.by_service = {{"<b>&\"x\"</b>", 5}, {"haircut", 3}};
  s.total = 8;
  s.cancelled = 1;
  s.per_day = {{day_of(kTo), 2}, {day_of(kTo) - 3 * kDay, 6}};
  s.upcoming = {{day_of(kTo) + kDay, 7}};
  return s;
}

bookings::Booking booking(std::int64_t id, std::string name, std::string service) {
  bookings::Booking b;
  b.id = id;
  b.name = std::move(name);
  b.email = "a@example.com";
  b.service = std::move(service);
  b.starts_at = kTo - 3600;
  b.duration_minutes = 30;
  b.status = "pending";
  b.created_at = "2026-12-01T10:00:00.000Z";
  return b;
}

std::string render(const Summary& s, const std::vector<std::vector<bookings::Booking>>& pages) {
  std::string out;
  HtmlReport html([&out](std::string_view piece) { out.append(piece); });
  html.begin(s);
  for (const auto& p : pages) html.rows(p);
  html.end();
  return out;
}

}  // namespace

TEST(ReportHtml, CancellationRateHasOneDecimal) {
  struct Case {
    std::int64_t cancelled, total;
    const char* want;
  };
  for (const Case& c : {Case{0, 0, "0.0"}, Case{1, 8, "12.5"}, Case{1, 3, "33.3"}, Case{2, 3, "66.7"},
                        Case{1, 1, "100.0"}, Case{0, 5, "0.0"}, Case{1, 2000, "0.1"}, Case{1, 2001, "0.0"}})
    EXPECT_EQ(cancellation_rate(c.cancelled, c.total), c.want) << c.cancelled << "/" << c.total;
}

TEST(ReportHtml, EscapesUserText) {
  EXPECT_EQ(html_escape("<b>&\"x\"</b> it's"), "&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt; it&#39;s");
}

TEST(ReportHtml, FiguresMatchTheInputs) {
  const std::string out = render(summary(), {{booking(1, "Ann", "haircut"), booking(2, "Bo", "<b>&\"x\"</b>")},
                                             {booking(3, "<script>alert(1)</script>", "haircut")}});
  EXPECT_EQ(check_balanced(out), "");
  EXPECT_NE(out.find("<td class=\"n\" id=\"total\">8</td>"), std::string::npos);
  EXPECT_NE(out.find("<td class=\"n\" id=\"cancelled\">1</td>"), std::string::npos);
  EXPECT_NE(out.find("id=\"cancellation-rate\">12.5%</td>"), std::string::npos);
  EXPECT_NE(out.find("<tr><td>pending</td><td class=\"n\">4</td></tr>"), std::string::npos);
  EXPECT_NE(out.find("<tr><td>&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;</td><td class=\"n\">5</td></tr>"),
            std::string::npos);
  EXPECT_EQ(out.find("<b>&\""), std::string::npos);
  EXPECT_EQ(out.find("<script>alert"), std::string::npos);
  EXPECT_NE(out.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  // 30 bars (the chart fills days without bookings), the busiest full height.
  EXPECT_EQ(count(out, "<rect class=\"bar\""), 30u);
  EXPECT_NE(out.find("<title>2026-12-10: 2</title>"), std::string::npos);
  EXPECT_NE(out.find("<title>2026-12-07: 6</title>"), std::string::npos);
  EXPECT_NE(out.find("height=\"150\"><title>2026-12-07: 6</title>"), std::string::npos);
  EXPECT_NE(out.find("<tr><td>2026-12-11</td><td class=\"n\">7</td></tr>"), std::string::npos);
  EXPECT_NE(out.find("<tr><td>2026-12-23</td><td class=\"n\">0</td></tr>"), std::string::npos);
  EXPECT_EQ(out.find("2026-12-24</td>"), std::string::npos);  // 14 upcoming days, today included
  // Every booking a row of the bookings table, in the order given.
  const std::size_t table = out.find("id=\"bookings\"");
  ASSERT_NE(table, std::string::npos);
  EXPECT_EQ(count(out.substr(table), "<tr><td class=\"n\">"), 3u);
  EXPECT_LT(out.find(">1</td><td>Ann<"), out.find(">3</td><td>&lt;script"));
  // Self-contained: inline style and script, nothing fetched.
  EXPECT_NE(out.find("<style>"), std::string::npos);
  EXPECT_NE(out.find("<script>document.querySelectorAll"), std::string::npos);
  EXPECT_EQ(out.find(" src="), std::string::npos);
  EXPECT_EQ(out.find("<link"), std::string::npos);
}

TEST(ReportHtml, EmptyPeriodIsStillADocument) {
  Summary s;
  s.from = kTo - kDay;
  s.to = kTo;
  const std::string out = render(s, {});
  EXPECT_EQ(check_balanced(out), "");
  EXPECT_NE(out.find("id=\"cancellation-rate\">0.0%</td>"), std::string::npos);
}

TEST(ReportHtml, CheckerCatchesBrokenDocuments) {
  EXPECT_NE(check_balanced("<p><b>x</p></b>"), "");
  EXPECT_NE(check_balanced("<p>a & b</p>"), "");
  EXPECT_NE(check_balanced("<p>a"), "");
  EXPECT_EQ(check_balanced("<p>a &amp; <br> b</p>"), "");
}

TEST(ReportFile, GzipOfTheHtmlWithItsHashAndRemovedWhenDone) {
  const std::string dir = ::testing::TempDir() + "report-file-" + std::to_string(::getpid());
  std::filesystem::create_directories(dir);
  std::string html;
  std::string path;
  {
    ReportFile file(dir);
    for (int i = 0; i < 2000; ++i) {
      const std::string piece = "<tr><td>" + std::to_string(i * 7919 % 10007) + "</td></tr>\n";
      html += piece;
      file.write(piece);
    }
    const Rendered r = file.finish();
    path = r.path;
    EXPECT_EQ(r.bytes, html.size());
    EXPECT_EQ(r.sha256, sha256_hex(html));
    EXPECT_EQ(r.stored_bytes, std::filesystem::file_size(path));
    EXPECT_LT(r.stored_bytes, r.bytes);
    std::ifstream in(path, std::ios::binary);
    std::stringstream gz;
    gz << in.rdbuf();
    std::string inflated;
    GzipInflate inflate;
    inflate.feed(gz.str(), [&inflated](std::string_view p) { inflated.append(p); });
    inflate.finish();
    EXPECT_EQ(inflated, html);
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  {
    ReportFile abandoned(dir);  // a failed or cancelled run: never finished
    abandoned.write("<html>");
    path = abandoned.finish().path;
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_TRUE(std::filesystem::is_empty(dir));
  std::filesystem::remove_all(dir);
}
