#pragma once
// The scheduled jobs' admin routes: GET /api/admin/jobs, POST
// /api/admin/jobs/{name}/run, /pause and /resume.
#include "http/router.hpp"
#include "services/context.hpp"

namespace keel {
void register_job_routes(Router& router, AppContext& ctx);
}  // namespace keel
