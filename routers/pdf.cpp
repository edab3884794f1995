#include "routers/pdf.hpp"

#include "http/file/content_disposition.hpp"
#include "http/validation.hpp"
#include "routers/admin_bookings.hpp"
#include "routers/booking_access.hpp"
#include "routers/schemas.hpp"
#include "services/pdf/booking_documents.hpp"

#include <memory>
#include <vector>

namespace keel {

namespace pdf_routes {

Response pdf_response(storage::OpenedFile f, const std::string& filename) {
  Response r;
  r.status = 200;
  r.headers.set("Content-Type", "application/pdf");
  r.headers.set("Content-Disposition", http_file::content_disposition_attachment(filename));
  r.headers.set("Cache-Control", "no-store");  // personal data
  r.headers.set("X-Content-Type-Options", "nosniff");
  FileBody body;
  body.file = std::move(f.file);
  body.segments.push_back(BodySegment{{}, 0, f.size});
  body.content_length = f.size;
  r.body = std::move(body);
  return r;
}

}  // namespace pdf_routes

namespace {

using namespace pdf_routes;

// The report's query: one definition for validation and the OpenAPI document.
const validation::Model& report_query_model() {
  using validation::Field;
  using validation::Kind;
  static const validation::Model m{
      "BookingReportQuery",
      {
          Field{.name = "from",
                .kind = Kind::datetime,
                .required = false,
                .description = "starts_at on or after (ISO 8601 date or date-time)"},
          Field{.name = "to",
                .kind = Kind::datetime,
                .required = false,
                .description = "starts_at before (ISO 8601 date or date-time)"},
          Field{.name = "status", .kind = Kind::enumeration, .required = false, .enum_values = bookings::statuses()},
          Field{.name = "service", .required = false, .min_length = 1, .max_length = 80},
      }};
  return m;
}

ResponseSpec pdf_ok(std::string description) {
  return ResponseSpec{200, std::move(description), {{"type", "string"}, {"format", "binary"}}, "application/pdf"};
}

}  // namespace

void register_pdf_routes(Router& router, AppContext& ctx) {
  using schemas::error_response;
  auto docs = std::make_shared<pdf::BookingDocuments>(ctx);
  const std::string busy =
      "Every PDF rendering slot stayed busy for KEEL_PDF_WAIT_S (Retry-After), "
      "or the database is unavailable";
  const std::string confirmation = "The confirmation (Content-Disposition: attachment; filename=\"booking-<id>.pdf\")";

  RouteSpec mine{.method = "GET",
                 .path = "/api/bookings/{id:int}/pdf",
                 .summary = "Download a booking confirmation",
                 .description =
                     "A one-page PDF confirmation of the booking, for its token holder or an admin. "
                     "Rendered on demand; waits for a free rendering slot (KEEL_PDF_CONCURRENCY) up to "
                     "KEEL_PDF_WAIT_S, then answers 503.",
                 .tag = "bookings",
                 .operation_id = "get_booking_pdf",
                 .params = {schemas::booking_id_param()},
                 .security = schemas::booking_security()};
  mine.responses = schemas::booking_responses({pdf_ok(confirmation), error_response(500, "Rendering failed")}, busy);
  router.add(mine, [&ctx, docs](Request& req) -> awaitable<Response> {
    bookings::Booking b = co_await authorize_booking(req, ctx, schemas::id_param(req));
    storage::OpenedFile f = co_await docs->confirmation(b);
    co_return pdf_response(std::move(f), "booking-" + std::to_string(b.id) + ".pdf");
  });

  RouteSpec admin{.method = "GET",
                  .path = "/api/admin/bookings/{id:int}/pdf",
                  .summary = "Download a booking confirmation (admin)",
                  .description = "The same one-page PDF confirmation as /api/bookings/{id}/pdf.",
                  .tag = "admin",
                  .operation_id = "admin_get_booking_pdf",
                  .params = {schemas::booking_id_param()},
                  .security = schemas::admin_security()};
  admin.responses =
      schemas::admin_responses({pdf_ok(confirmation), error_response(404, "No such booking"),
                                error_response(422, "Validation error"), error_response(500, "Rendering failed")},
                               busy);
  router.add(admin, [&ctx, docs](Request& req) -> awaitable<Response> {
    ctx.require_db();
    std::optional<bookings::Booking> b = co_await ctx.bookings->get(schemas::id_param(req));
    if (!b) throw HttpError(404, "booking not found");
    storage::OpenedFile f = co_await docs->confirmation(*b);
    co_return pdf_response(std::move(f), "booking-" + std::to_string(b->id) + ".pdf");
  });

  RouteSpec report{.method = "GET",
                   .path = "/api/admin/bookings/report.pdf",
                   .summary = "Download a bookings report",
                   .description =
                       "Every booking matching the filters, in starts_at order, as a multi-page PDF table "
                       "(40 rows a page, \"Page N of M\") ending with totals per status. Bookings are "
                       "read in keyset batches of " +
                       std::to_string(pdf::kReportBatchRows) +
                       " rows, so any number of them renders in bounded memory. Waits for a free "
                       "rendering slot up to KEEL_PDF_WAIT_S, then answers 503.",
                   .tag = "admin",
                   .operation_id = "admin_bookings_report_pdf",
                   .params = schemas::query_params(report_query_model()),
                   .security = schemas::admin_security()};
  report.responses = schemas::admin_responses(
      {pdf_ok("The report (Content-Disposition: attachment; filename=\"bookings-report.pdf\")"),
       error_response(422, "Validation error"), error_response(500, "Rendering failed")},
      busy);
  router.add(report, [&ctx, docs](Request& req) -> awaitable<Response> {
    schemas::raise_if_invalid(report_query_model().validate_query(req.query));
    ctx.require_db();
    const bookings::ListFilter filter = list_filter_from(req);
    storage::OpenedFile f = co_await docs->report(filter);
    co_return pdf_response(std::move(f), "bookings-report.pdf");
  });
}

}  // namespace keel
