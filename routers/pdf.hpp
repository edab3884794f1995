#pragma once
// PDF routes: a booking's confirmation and the admin bookings report.
//
//   GET /api/bookings/{id}/pdf              token holder or admin
//   GET /api/admin/bookings/{id}/pdf        admin
//   GET /api/admin/bookings/report.pdf      admin; ?from=&to=&status=&service=
//
// services/pdf/booking_documents renders them (bounded concurrency, unlinked
// temp files, keyset batches); the routes check who asks and answer with
// the file.
#include "http/router.hpp"
#include "services/context.hpp"
#include "services/storage/opened_file.hpp"

#include <string>

namespace keel {

void register_pdf_routes(Router& router, AppContext& ctx);

// The pieces of the routes, exposed for unit tests.
namespace pdf_routes {

// 200 application/pdf, attachment; the body is the whole file, streamed from
// its descriptor (sendfile, 64 KiB pieces) with a Content-Length.
Response pdf_response(storage::OpenedFile f, const std::string& filename);

}  // namespace pdf_routes
}  // namespace keel
