// keel::pdf renderers end to end: render into a temporary folder, then check
// the files with qpdf and poppler's pdftotext like a reader would.
#include <gtest/gtest.h>

#include <hpdf.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "services/pdf/booking_pdf.hpp"
#include "services/pdf/canvas.hpp"
#include "services/pdf/hpdf_document.hpp"

namespace {

using namespace keel::pdf;
namespace fs = std::filesystem;

struct CommandResult {
  int exit_code = -1;
  std::string out;
};

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}

// Runs a shell command; stderr is dropped (poppler warns about libharu's
// ToUnicode CMap syntax, harmlessly).
CommandResult run(const std::string& command) {
  CommandResult r;
  FILE* p = ::popen((command + " 2>/dev/null").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

bool tools_available() {
  static const bool ok = run("command -v qpdf && command -v pdftotext").exit_code == 0;
  return ok;
}

// Text of pages [first, last] (0 = to the end); pages are separated by '\f'.
std::string pdf_text(const std::string& path, int first = 1, int last = 0) {
  std::string cmd = "pdftotext -enc UTF-8 -f " + std::to_string(first);
  if (last > 0) cmd += " -l " + std::to_string(last);
  const CommandResult r = run(cmd + " " + quote(path) + " -");
  EXPECT_EQ(r.exit_code, 0) << "pdftotext " << path;
  return r.out;
}

int page_count(const std::string& path) {
  const CommandResult r = run("qpdf --show-npages " + quote(path));
  EXPECT_EQ(r.exit_code, 0);
  return std::atoi(r.out.c_str());
}

void expect_qpdf_ok(const std::string& path) {
  const CommandResult r = run("qpdf --check " + quote(path));
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("No syntax or stream encoding errors"), std::string::npos) << r.out;
}

// Every word's box from `pdftotext -bbox` lies inside the page with at
// least `margin` points to spare: no text runs off the page.
void expect_text_inside_page(const std::string& path, double margin) {
  const CommandResult r = run("pdftotext -bbox " + quote(path) + " -");
  ASSERT_EQ(r.exit_code, 0);
  const std::regex page_re(R"re(<page width="([0-9.]+)" height="([0-9.]+)">)re");
  const std::regex word_re(
      R"re(<word xMin="([0-9.-]+)" yMin="([0-9.-]+)" xMax="([0-9.-]+)" yMax="([0-9.-]+)">([^<]*)</word>)re");
  double w = 0, h = 0;
  int words = 0;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (std::regex_search(line, m, page_re)) {
      w = std::stod(m[1]);
      h = std::stod(m[2]);
    } else if (std::regex_search(line, m, word_re)) {
      ++words;
      EXPECT_GE(std::stod(m[1]), margin) << m[5];
      EXPECT_GE(std::stod(m[2]), margin) << m[5];
      EXPECT_LE(std::stod(m[3]), w - margin) << m[5];
      EXPECT_LE(std::stod(m[4]), h - margin) << m[5];
    }
  }
  EXPECT_GT(words, 10);
}

std::size_t count_of(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

std::vector<std::string> split_pages(const std::string& text) {
  std::vector<std::string> pages;
  std::size_t start = 0;
  for (std::size_t ff = text.find('\f'); ff != std::string::npos; ff = text.find('\f', start)) {
    pages.push_back(text.substr(start, ff - start));
    start = ff + 1;
  }
  return pages;
}

BookingRow sample_booking() {
  BookingRow b;
  b.id = 48213;
  b.reference = "KL-7Q4M-2XPA";
  b.name = "Zoë Ångström";
  b.email = "zoe.angstrom@example.com";
  b.phone = "+46 70 123 45 67";
  b.service = "Deep tissue massage";
  b.starts_at = "2026-12-01 09:30 UTC";
  b.duration_minutes = 90;
  b.status = "confirmed";
  b.notes = "Side entrance, please.";
  b.created_at = "2026-11-20 14:02 UTC";
  return b;
}

const char* const kStatuses[] = {"confirmed", "pending", "cancelled", "confirmed", "confirmed"};

BookingRow report_row(std::size_t i) {
  BookingRow r;
  r.id = static_cast<std::int64_t>(i);
  r.reference = "REF-" + std::to_string(100000 + i);
  r.name = i % 2 ? "Łukasz Żółć" : "Дмитрий Иванов";
  r.email = "guest" + std::to_string(i) + "@example.com";
  r.service = "Haircut";
  r.starts_at = "2026-12-01 09:30 UTC";
  r.duration_minutes = 30 + static_cast<int>(i % 3) * 15;  // 30, 45, 60
  r.status = kStatuses[i % 5];
  return r;
}

// Hands out rows [0, total) in batches, like a keyset-paginated query.
struct BatchSource {
  std::size_t total;
  std::size_t batch;
  std::size_t next = 0;
  int calls = 0;
  std::vector<BookingRow> operator()() {
    ++calls;
    std::vector<BookingRow> out;
    for (; next < total && out.size() < batch; ++next) out.push_back(report_row(next));
    return out;
  }
};

class PdfTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!tools_available()) GTEST_SKIP() << "qpdf/pdftotext not installed";
    char tmpl[] = "/tmp/keel_pdf_test.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }
  std::string path(const std::string& name) const { return (fs::path(dir_) / name).string(); }
  std::vector<std::string> dir_entries() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename().string());
    return names;
  }

  std::string dir_;
};

// ---- confirmation -------------------------------------------------------

class PdfConfirmationNames : public PdfTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(PdfConfirmationNames, ValidAndShowsEveryField) {
  BookingRow b = sample_booking();
  b.name = GetParam();
  const std::string out = path("confirmation.pdf");
  render_confirmation(b, "2026-11-25", out);

  expect_qpdf_ok(out);
  EXPECT_EQ(page_count(out), 1);
  const std::string text = pdf_text(out);
  for (const std::string& want : {b.name, b.email, b.phone, b.service, b.status, b.reference, b.starts_at, b.created_at,
                                  std::string("2026-11-25"), std::string("#48213"), std::string("1 h 30 min"),
                                  std::string("Side entrance, please."), std::string("Booking confirmation")}) {
    EXPECT_NE(text.find(want), std::string::npos) << "missing: " << want << "\n" << text;
  }
  // Only the PDF is left behind, private to its owner.
  EXPECT_EQ(dir_entries(), std::vector<std::string>{"confirmation.pdf"});
  EXPECT_EQ(fs::status(out).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
}

INSTANTIATE_TEST_SUITE_P(Utf8, PdfConfirmationNames,
                         ::testing::Values("Zoë Ångström", "Łukasz Żółć", "Дмитрий", "Ελένη"));

TEST_F(PdfTest, ConfirmationWrapsLongTextInsideThePage) {
  BookingRow b = sample_booking();
  b.name = "Maximiliana Alexandra " + std::string(60, 'W') + " von und zu Hohenzollern-Sigmaringen";
  b.email = std::string(200, 'w') + "@" + std::string(50, 'x') + ".example.com";
  b.service = std::string(300, 'M');
  b.reference = std::string(80, 'R');
  b.notes.clear();
  for (int i = 0; i < 40; ++i) b.notes += "Notes line " + std::to_string(i) + " with Ελληνικά and Żółć. ";
  b.notes += std::string(400, 'N');
  ASSERT_GE(b.notes.size(), 2000u);
  const std::string out = path("long.pdf");
  render_confirmation(b, "2026-11-25", out);

  expect_qpdf_ok(out);
  EXPECT_EQ(page_count(out), 1);
  expect_text_inside_page(out, 30);
  const std::string text = pdf_text(out);
  EXPECT_NE(text.find("…"), std::string::npos);  // something had to be cut
  EXPECT_NE(text.find("Notes line 0 with Ελληνικά"), std::string::npos);
}

TEST_F(PdfTest, ConfirmationSurvivesHostileText) {
  BookingRow b = sample_booking();
  b.name = "Bad\xFF\xFE utf8 \xC3 and \x01\x02 controls \xF0\x9F\x98\x80 emoji";
  b.notes = "(parens) \\backslash\\ <angle> %percent \r\n tabs\there";
  b.status = "";
  b.phone = "";
  const std::string out = path("hostile.pdf");
  render_confirmation(b, "", out);
  expect_qpdf_ok(out);
  const std::string text = pdf_text(out);
  EXPECT_NE(text.find("\xEF\xBF\xBD utf8"), std::string::npos) << text;
  EXPECT_NE(text.find("controls"), std::string::npos);
  EXPECT_NE(text.find("(parens) \\backslash\\ <angle> %percent"), std::string::npos) << text;
  EXPECT_NE(text.find("Unknown"), std::string::npos);  // empty status
}

TEST_F(PdfTest, ConfirmationReplacesAnExistingFile) {
  const std::string out = path("c.pdf");
  std::ofstream(out) << "old";
  render_confirmation(sample_booking(), "2026-11-25", out);
  expect_qpdf_ok(out);
}

// ---- report -------------------------------------------------------------

TEST_F(PdfTest, ReportOfTwoThousandRowsInBatches) {
  BatchSource source{2000, 300};
  const std::string out = path("report.pdf");
  const ReportMeta meta{"December bookings", "Status: all · Service: all", "2026-11-25 10:14 UTC"};
  const ReportStats stats = render_report(std::ref(source), meta, out);

  // 40 rows a page fill 50 pages exactly, so the summary gets page 51.
  constexpr int kPages = 51;
  EXPECT_EQ(stats.rows, 2000u);
  EXPECT_EQ(stats.pages, static_cast<std::size_t>(kPages));
  EXPECT_EQ(source.calls, 8);  // 7 batches and the empty one
  expect_qpdf_ok(out);
  EXPECT_EQ(page_count(out), kPages);

  const std::vector<std::string> pages = split_pages(pdf_text(out));
  ASSERT_EQ(pages.size(), static_cast<std::size_t>(kPages));
  for (int i = 0; i < kPages; ++i) {
    const std::string& page = pages[static_cast<std::size_t>(i)];
    const std::string footer = "Page " + std::to_string(i + 1) + " of 51";
    EXPECT_NE(page.find(footer), std::string::npos) << "page " << i + 1;
    EXPECT_NE(page.find("December bookings"), std::string::npos) << "page " << i + 1;
    if (i < 50) {
      for (const char* column : {"Ref", "Starts (UTC)", "Service", "Name", "Email", "Min", "Status"}) {
        EXPECT_NE(page.find(column), std::string::npos) << column << " on page " << i + 1;
      }
      // Rows in order, 40 a page.
      EXPECT_NE(page.find("REF-" + std::to_string(100000 + 40 * i)), std::string::npos);
      EXPECT_NE(page.find("REF-" + std::to_string(100000 + 40 * i + 39)), std::string::npos);
      EXPECT_EQ(count_of(page, "REF-"), 40u) << "page " << i + 1;
    }
  }
  // Same check straight from poppler for page 2, as a reader would select it.
  const std::string page2 = pdf_text(out, 2, 2);
  EXPECT_NE(page2.find("Starts (UTC)"), std::string::npos);
  EXPECT_NE(page2.find("REF-100040"), std::string::npos);
  EXPECT_NE(page2.find("Page 2 of 51"), std::string::npos);
  EXPECT_NE(page2.find("Łukasz Żółć"), std::string::npos);
  EXPECT_NE(page2.find("Дмитрий Иванов"), std::string::npos);

  // Totals: 1,200 confirmed, 400 pending, 400 cancelled; minutes:
  // 667 rows of 30, 667 of 45, 666 of 60 = 20,010 + 30,015 + 39,960.
  const std::string& last = pages.back();
  EXPECT_NE(last.find("Total bookings: 2,000"), std::string::npos) << last;
  EXPECT_NE(last.find("Total booked time: 89,985 min (1,499 h 45 min)"), std::string::npos) << last;
  EXPECT_NE(last.find("1,200"), std::string::npos);
  EXPECT_NE(last.find("400"), std::string::npos);
  for (const char* status : {"confirmed", "pending", "cancelled", "All bookings"}) {
    EXPECT_NE(last.find(status), std::string::npos) << status;
  }
  EXPECT_NE(last.find("60.0%"), std::string::npos);
  EXPECT_NE(last.find("20.0%"), std::string::npos);
}

TEST_F(PdfTest, ReportSummaryFollowsTheLastRowsWhenThereIsRoom) {
  BatchSource source{2010, 300};
  const std::string out = path("report.pdf");
  const ReportStats stats = render_report(std::ref(source), {"R", "", "now"}, out);
  EXPECT_EQ(stats.pages, 51u);
  EXPECT_EQ(page_count(out), 51);
  const std::string last = pdf_text(out, 51, 51);
  EXPECT_NE(last.find("REF-102009"), std::string::npos);
  EXPECT_NE(last.find("Total bookings: 2,010"), std::string::npos);
  EXPECT_NE(last.find("Page 51 of 51"), std::string::npos);
}

TEST_F(PdfTest, ReportCutsLongCellsToTheirColumns) {
  int calls = 0;
  auto source = [&] {
    std::vector<BookingRow> rows;
    if (calls++ > 0) return rows;
    for (std::size_t i = 0; i < 45; ++i) {
      BookingRow r = report_row(i);
      r.name = std::string(120, 'W') + " Ελένη";
      r.email = std::string(254, 'm') + "@example.com";
      r.service = "Service " + std::string(200, 'S');
      r.reference = std::string(64, 'R');
      r.status = std::string(50, 'X');
      r.duration_minutes = 123456789;
      rows.push_back(r);
    }
    return rows;
  };
  const std::string out = path("long.pdf");
  const ReportStats stats = render_report(source, {std::string(300, 'T'), std::string(500, 'F'), "now"}, out);
  EXPECT_EQ(stats.rows, 45u);
  expect_qpdf_ok(out);
  expect_text_inside_page(out, 20);
  EXPECT_NE(pdf_text(out).find("…"), std::string::npos);
}

TEST_F(PdfTest, EmptyReportIsOnePageWithZeroTotals) {
  int calls = 0;
  const std::string out = path("empty.pdf");
  const ReportStats stats = render_report(
      [&] {
        ++calls;
        return std::vector<BookingRow>{};
      },
      {"Bookings — Ελένη", "Status: cancelled", "2026-11-25"}, out);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(stats.rows, 0u);
  EXPECT_EQ(stats.pages, 1u);
  expect_qpdf_ok(out);
  EXPECT_EQ(page_count(out), 1);
  const std::string text = pdf_text(out);
  EXPECT_NE(text.find("There are no bookings"), std::string::npos) << text;
  EXPECT_NE(text.find("Total bookings: 0"), std::string::npos);
  EXPECT_NE(text.find("Total booked time: 0 min"), std::string::npos);
  EXPECT_NE(text.find("Page 1 of 1"), std::string::npos);
  EXPECT_NE(text.find("Starts (UTC)"), std::string::npos);
  EXPECT_NE(text.find("Bookings — Ελένη"), std::string::npos);
  // The title also lands in the document metadata (as UTF-16).
  EXPECT_NE(run("pdfinfo " + quote(out)).out.find("Title:           Bookings — Ελένη"), std::string::npos);
}

// ---- failures -------------------------------------------------------------

TEST_F(PdfTest, UnwritablePathThrowsAndLeavesNothing) {
  const std::string missing_dir = path("no/such/dir/out.pdf");
  EXPECT_THROW(render_confirmation(sample_booking(), "x", missing_dir), RenderError);
  std::ofstream(path("file")) << "x";
  const std::string under_a_file = path("file/out.pdf");
  EXPECT_THROW(render_report(BatchSource{10, 5}, {}, under_a_file), RenderError);
  EXPECT_THROW(render_confirmation(sample_booking(), "x", dir_), RenderError);  // a directory
  EXPECT_EQ(dir_entries(), std::vector<std::string>{"file"});
}

TEST_F(PdfTest, RenameOntoADirectoryFailsWithoutLeftovers) {
  fs::create_directory(path("taken.pdf"));
  try {
    render_confirmation(sample_booking(), "x", path("taken.pdf"));
    FAIL() << "expected RenderError";
  } catch (const RenderError& e) { EXPECT_NE(std::string(e.what()).find("taken.pdf"), std::string::npos) << e.what(); }
  EXPECT_EQ(dir_entries(), std::vector<std::string>{"taken.pdf"});
}

TEST_F(PdfTest, MissingFontThrowsWithLibharuNumbersAndKeepsOldFile) {
  const std::string out = path("c.pdf");
  std::ofstream(out) << "previous";
  Fonts fonts;
  fonts.bold = path("nope.ttf");
  try {
    render_confirmation(sample_booking(), "x", out, fonts);
    FAIL() << "expected RenderError";
  } catch (const RenderError& e) {
    EXPECT_EQ(e.error_no(), static_cast<unsigned long>(HPDF_FILE_OPEN_ERROR));
    EXPECT_EQ(e.detail_no(), static_cast<unsigned long>(ENOENT));
    EXPECT_NE(std::string(e.what()).find("0x1017"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("nope.ttf"), std::string::npos) << e.what();
  }
  EXPECT_THROW(render_report(BatchSource{100, 30}, {}, out, fonts), RenderError);
  EXPECT_EQ(dir_entries(), std::vector<std::string>{"c.pdf"});
  std::ifstream in(out);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "previous");
}

TEST_F(PdfTest, GarbageFontThrowsInsteadOfCrashing) {
  Fonts fonts;
  fonts.regular = path("garbage.ttf");
  std::ofstream(fonts.regular) << "hello\n";
  try {
    render_confirmation(sample_booking(), "x", path("c.pdf"), fonts);
    FAIL() << "expected RenderError";
  } catch (const RenderError& e) {
    EXPECT_EQ(e.error_no(), static_cast<unsigned long>(HPDF_TTF_INVALID_FOMAT)) << e.what();
  }
  // The first 4 KiB of a real font: valid header, tables beyond the end.
  {
    std::ifstream real(Fonts{}.regular, std::ios::binary);
    std::string head(4096, '\0');
    real.read(head.data(), static_cast<std::streamsize>(head.size()));
    std::ofstream(fonts.regular, std::ios::binary | std::ios::trunc) << head;
  }
  EXPECT_THROW(render_confirmation(sample_booking(), "x", path("c.pdf"), fonts), RenderError);
  fonts.regular = dir_;  // a directory
  EXPECT_THROW(render_confirmation(sample_booking(), "x", path("c.pdf"), fonts), RenderError);
  EXPECT_EQ(dir_entries(), std::vector<std::string>{"garbage.ttf"});
}

TEST_F(PdfTest, BatchSourceExceptionPropagatesAndLeavesNothing) {
  int calls = 0;
  auto failing = [&]() -> std::vector<BookingRow> {
    if (++calls == 3) throw std::runtime_error("database went away");
    return {report_row(0), report_row(1)};
  };
  EXPECT_THROW(render_report(failing, {}, path("r.pdf")), std::runtime_error);
  EXPECT_TRUE(dir_entries().empty());
}

TEST_F(PdfTest, SameFontFileForRegularAndBoldIsLoadedOnce) {
  Fonts fonts;
  fonts.bold = fonts.regular;
  const std::string out = path("c.pdf");
  render_confirmation(sample_booking(), "x", out, fonts);
  expect_qpdf_ok(out);
}

// ---- internals that need libharu ----------------------------------------------

TEST(PdfDocument, LibharuErrorsBecomeRenderErrors) {
  Document doc;
  HPDF_Page page = doc.add_page(HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
  // Showing text outside BT/ET is a graphics-mode error reported through
  // the error callback.
  try {
    doc.check(HPDF_Page_ShowText(page, "x"), "showing text");
    FAIL() << "expected RenderError";
  } catch (const RenderError& e) {
    EXPECT_EQ(e.error_no(), static_cast<unsigned long>(HPDF_PAGE_INVALID_GMODE));
    EXPECT_NE(std::string(e.what()).find("showing text"), std::string::npos);
  }
  doc.check("after reset");  // the error was consumed
}

TEST(PdfDocument, MeasuredWidthsAddUpPerCodePoint) {
  Document doc;
  const LoadedFonts fonts = doc.load_fonts({});
  const double z = text_width(fonts.regular, 10, "Ż");
  EXPECT_GT(z, 1.0);
  EXPECT_DOUBLE_EQ(text_width(fonts.regular, 10, "ŻŻŻ"), 3 * z);
  EXPECT_DOUBLE_EQ(text_width(fonts.regular, 20, "Ż"), 2 * z);
  EXPECT_GT(text_width(fonts.bold, 10, "Дмитрий"), text_width(fonts.regular, 10, "Дмитрий"));
}

}  // namespace
