// The PDF pieces that need no server: how a booking is shown and the
// report's subtitle (services/pdf/from_bookings), the render-to-an-
// unlinked-temp-file step (services/pdf/unlinked_file) and the response it
// becomes (routers/pdf).
#include "routers/pdf.hpp"
#include "services/pdf/booking_pdf.hpp"
#include "services/pdf/from_bookings.hpp"
#include "services/pdf/unlinked_file.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace fs = std::filesystem;
using namespace keel;
using namespace keel::pdf;
using namespace keel::pdf_routes;

namespace {

class PdfRouteHelpers : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/keel_pdf_routes.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::size_t entries() const {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_)) ++n;
    return n;
  }
  std::string dir_;
};

bookings::Booking sample() {
  bookings::Booking b;
  b.id = 42;
  b.name = "Łukasz Żółć";
  b.email = "lukasz@example.com";
  b.service = "massage";
  b.starts_at = 1796115000;  // 2026-12-01T08:50:00Z
  b.duration_minutes = 90;
  b.status = "confirmed";
  b.created_at = "2026-11-25T10:14:07.123Z";
  b.updated_at = b.created_at;
  return b;
}

std::string read_all(int fd) {
  std::string out;
  char buf[4096];
  off_t off = 0;
  for (;;) {
    ssize_t n = ::pread(fd, buf, sizeof buf, off);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    off += n;
  }
  return out;
}

}  // namespace

TEST(PdfRouteFormat, MinutesInUtc) {
  EXPECT_EQ(format_minute_utc(0), "1970-01-01 00:00 UTC");
  EXPECT_EQ(format_minute_utc(1796115000), "2026-12-01 08:50 UTC");
  EXPECT_EQ(format_minute_utc(1796115059), "2026-12-01 08:50 UTC");  // seconds are dropped
}

TEST(PdfRouteFormat, RowFromBooking) {
  bookings::Booking b = sample();
  pdf::BookingRow r = row_from(b);
  EXPECT_EQ(r.id, 42);
  EXPECT_EQ(r.reference, "BK-000042");
  EXPECT_EQ(r.name, "Łukasz Żółć");
  EXPECT_EQ(r.email, "lukasz@example.com");
  EXPECT_EQ(r.phone, "");
  EXPECT_EQ(r.notes, "");
  EXPECT_EQ(r.service, "massage");
  EXPECT_EQ(r.starts_at, "2026-12-01 08:50 UTC");
  EXPECT_EQ(r.duration_minutes, 90);
  EXPECT_EQ(r.status, "confirmed");
  EXPECT_EQ(r.created_at, "2026-11-25 10:14 UTC");
  b.phone = "+46 70 123 45 67";
  b.notes = "Side entrance";
  r = row_from(b);
  EXPECT_EQ(r.phone, "+46 70 123 45 67");
  EXPECT_EQ(r.notes, "Side entrance");
}

TEST(PdfRouteFormat, FilterSummary) {
  bookings::ListFilter f;
  EXPECT_EQ(filter_summary(f), "Status: all · Service: all · Starts: any time");
  f.status = "confirmed";
  f.service = "massage";
  f.from = 1796083200;  // 2026-12-01
  EXPECT_EQ(filter_summary(f), "Status: confirmed · Service: massage · Starts: from 2026-12-01 00:00 UTC");
  f.to = 1798761600;  // 2027-01-01
  EXPECT_EQ(filter_summary(f),
            "Status: confirmed · Service: massage · Starts: from 2026-12-01 00:00 UTC to 2027-01-01 00:00 UTC");
  f.from.reset();
  EXPECT_EQ(filter_summary(f), "Status: confirmed · Service: massage · Starts: before 2027-01-01 00:00 UTC");
}

TEST_F(PdfRouteHelpers, RenderedFileIsUnlinkedAndStillReadable) {
  std::string seen_path;
  storage::OpenedFile f = render_to_unlinked_file(dir_, [&](const std::string& path) {
    seen_path = path;
    EXPECT_EQ(fs::path(path).parent_path(), fs::path(dir_));
    EXPECT_TRUE(fs::exists(path));  // mkstemp made it, private to its owner
    EXPECT_EQ(fs::status(path).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
    pdf::render_confirmation(row_from(sample()), "2026-11-25", path);
  });
  ASSERT_TRUE(f.file);
  EXPECT_EQ(entries(), 0u);  // gone from the folder already
  EXPECT_FALSE(fs::exists(seen_path));
  struct stat st {};
  ASSERT_EQ(::fstat(f.file->fd(), &st), 0);
  EXPECT_EQ(st.st_nlink, 0u);
  EXPECT_EQ(static_cast<std::uint64_t>(st.st_size), f.size);
  const std::string bytes = read_all(f.file->fd());
  EXPECT_EQ(bytes.size(), f.size);
  EXPECT_EQ(bytes.rfind("%PDF-", 0), 0u);
  EXPECT_NE(bytes.find("%%EOF"), std::string::npos);
}

TEST_F(PdfRouteHelpers, FailedRenderLeavesNothing) {
  pdf::Fonts missing{"/nonexistent/font.ttf", "/nonexistent/font-bold.ttf"};
  EXPECT_THROW(render_to_unlinked_file(dir_,
                                       [&](const std::string& path) {
                                         pdf::render_confirmation(row_from(sample()), "2026-11-25", path, missing);
                                       }),
               pdf::RenderError);
  EXPECT_EQ(entries(), 0u);
  // Any exception, also one thrown after the renderer wrote its file.
  EXPECT_THROW(render_to_unlinked_file(dir_,
                                       [&](const std::string& path) {
                                         pdf::render_confirmation(row_from(sample()), "2026-11-25", path);
                                         throw std::runtime_error("database went away");
                                       }),
               std::runtime_error);
  EXPECT_EQ(entries(), 0u);
}

TEST_F(PdfRouteHelpers, UnwritableFolderThrows) {
  EXPECT_THROW(render_to_unlinked_file(dir_ + "/missing", [](const std::string&) {}), std::runtime_error);
}

TEST_F(PdfRouteHelpers, ResponseIsTheWholeFileAsAnAttachment) {
  storage::OpenedFile f = render_to_unlinked_file(
      dir_, [&](const std::string& path) { pdf::render_confirmation(row_from(sample()), "2026-11-25", path); });
  const std::uint64_t size = f.size;
  Response r = pdf_response(std::move(f), "booking-42.pdf");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.get("Content-Type").value_or(""), "application/pdf");
  EXPECT_EQ(r.headers.get("Content-Disposition").value_or(""), "attachment; filename=\"booking-42.pdf\"");
  EXPECT_EQ(r.headers.get("Cache-Control").value_or(""), "no-store");
  auto* body = std::get_if<FileBody>(&r.body);
  ASSERT_NE(body, nullptr);
  EXPECT_EQ(body->content_length, size);
  EXPECT_EQ(r.body_size(), size);
  ASSERT_EQ(body->segments.size(), 1u);
  EXPECT_EQ(body->segments[0].offset, 0u);
  EXPECT_EQ(body->segments[0].length, size);
  EXPECT_TRUE(body->segments[0].literal.empty());
}
