#pragma once
// The reports' admin routes: GET /api/admin/reports (a page, newest first),
// GET /api/admin/reports/{id}, GET /api/admin/reports/{id}/content (the
// HTML, gzip passed through or inflated on the fly), POST /api/admin/reports
// (runs the `report` job now), DELETE /api/admin/reports/{id}.
#include "http/router.hpp"
#include "services/context.hpp"

namespace keel {
void register_report_routes(Router& router, AppContext& ctx);
}  // namespace keel
