#pragma once
// The scheduled jobs' admin routes: GET /api/admin/jobs, POST
// /api/admin/jobs/{name}/run, /pause and /resume.
#include "http/router.hpp"
#include "services/context.hpp"

namespace keel {
void register_job_routes(Router& router, AppContext& ctx);
// A job as the routes show it, and the schema of {"job": ...} (the answer
// of routes that start one).
nlohmann::json job_json(const jobs::Status& s);
nlohmann::json job_response_schema();
}  // namespace keel
