#pragma once
// The `report` job's body bound to this keel: its database, blocking pool,
// temp folder and KEEL_REPORT_KEEP. In builds with the test routes, with
// KEEL_ENABLE_TEST_ROUTES=1, KEEL_TEST_REPORT_PAGE_ROWS and
// KEEL_TEST_REPORT_PAUSE_MS (a pause between pages) make a run slow enough
// for tests to cancel it mid-way, and KEEL_TEST_REPORT_MAX_PACKET lowers the
// body limit below the server's max_allowed_packet (without a SET GLOBAL
// that would reach every test sharing the server).
#include "services/context.hpp"

namespace keel {
jobs::Body report_job(AppContext& ctx);
}  // namespace keel
