#pragma once
// PDF routes: a booking's confirmation and the admin bookings report.
//
//   GET /api/bookings/{id}/pdf              token holder or admin
//   GET /api/admin/bookings/{id}/pdf        admin
//   GET /api/admin/bookings/report.pdf      admin; ?from=&to=&status=&service=
//
// Rendering (libharu, services/pdf) runs on the blocking pool into a mkstemp
// file under KEEL_DATA_DIR/tmp, which is opened and unlinked at once: the
// response streams the open descriptor (sendfile, 64 KiB pieces) with a
// Content-Length, and the file's storage is freed when the response ends,
// however it ends (completed, failed, client gone). A failed rendering
// leaves nothing. At most KEEL_PDF_CONCURRENCY renderings run at once; other
// requests wait in line up to KEEL_PDF_WAIT_S, then get 503 + Retry-After.
// The report reads bookings in keyset batches, so no result set is ever
// held whole.
#include "services/context.hpp"
#include "http/router.hpp"
#include "services/bookings/model.hpp"
#include "services/pdf/booking_row.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace keel {

void register_pdf_routes(Router& router, AppContext& ctx);

// The pieces of the routes, exposed for unit tests.
namespace pdf_routes {

inline constexpr int kReportBatchRows = 500;

// "2026-12-01 08:30 UTC"
std::string format_minute_utc(std::int64_t epoch_seconds);
// A booking as the renderers show it (times in UTC, reference code, empty
// strings for absent phone and notes).
pdf::BookingRow row_from(const bookings::Booking& b);
// The report's subtitle, e.g. "Status: confirmed · Service: all · Starts: from
// 2026-12-01 00:00 UTC to 2027-01-01 00:00 UTC".
std::string filter_summary(const bookings::ListFilter& f);

// A rendered PDF that exists only as an open descriptor (already unlinked).
struct RenderedFile {
  std::shared_ptr<OpenFile> file;
  std::uint64_t size = 0;
};

// Blocking. Creates a private mkstemp file in tmp_dir, calls render(path)
// (which must leave the finished PDF at path), opens it and unlinks it.
// On any failure the file is removed and the exception propagates: tmp_dir
// is left as it was.
RenderedFile render_to_unlinked_file(const std::string& tmp_dir,
                                     const std::function<void(const std::string& path)>& render);

// 200 application/pdf, attachment; the body is the whole file.
Response pdf_response(RenderedFile f, const std::string& filename);

}  // namespace pdf_routes
}  // namespace keel
