#include "routers/jobs.hpp"

#include "http/text/iso_datetime.hpp"
#include "routers/schemas.hpp"

namespace keel {

namespace {
using nlohmann::json;

json time_or_null(const std::optional<std::chrono::system_clock::time_point>& t) {
  if (!t) return nullptr;
  return text::format_iso_utc_ms(
      std::chrono::duration_cast<std::chrono::milliseconds>(t->time_since_epoch()).count());
}

template <class T>
json or_null(const std::optional<T>& v) {
  if (!v) return nullptr;
  return *v;
}

json to_json(const jobs::Status& s) {
  json outcome = nullptr;
  if (s.last_outcome != jobs::Outcome::none) outcome = jobs::outcome_name(s.last_outcome);
  return {{"name", s.name},
          {"enabled", s.enabled},
          {"paused", s.paused},
          {"every", s.every},
          {"running", s.running},
          {"last_started_at", time_or_null(s.last_started_at)},
          {"last_finished_at", time_or_null(s.last_finished_at)},
          {"last_duration_ms", or_null(s.last_duration_ms)},
          {"last_outcome", outcome},
          {"last_error", or_null(s.last_error)},
          {"next_run_at", time_or_null(s.next_run_at)},
          {"runs_total", s.runs_total},
          {"failures_total", s.failures_total},
          {"skipped_total", s.skipped_total},
          {"holder", or_null(s.holder)},
          {"last_run_by", or_null(s.last_run_by)}};
}

// OpenAPI 3.1 spells "or null" in the type.
json nullable(const char* type) { return json::array({type, "null"}); }

json job_schema() {
  const json time = {{"type", nullable("string")}, {"format", "date-time"}};
  return {{"type", "object"},
          {"properties",
           {{"name", {{"type", "string"}}},
            {"enabled", {{"type", "boolean"}, {"description", "false when its interval is off"}}},
            {"paused", {{"type", "boolean"}, {"description", "Paused on this instance"}}},
            {"every", {{"type", "string"}, {"description", "The interval, normalised (\"3m\"), or \"off\""}}},
            {"running", {{"type", "boolean"}, {"description", "Running on this instance"}}},
            {"last_started_at", time},
            {"last_finished_at", time},
            {"last_duration_ms", {{"type", nullable("integer")}}},
            {"last_outcome",
             {{"type", nullable("string")}, {"enum", {"ok", "failed", "timeout", "skipped", nullptr}}}},
            {"last_error", {{"type", nullable("string")}}},
            {"next_run_at", time},
            {"runs_total", {{"type", "integer"}}},
            {"failures_total", {{"type", "integer"}, {"description", "Failed and timed-out runs"}}},
            {"skipped_total", {{"type", "integer"}, {"description", "Ticks that came while the job ran"}}},
            {"holder",
             {{"type", nullable("string")}, {"description", "The instance (KEEL_INSTANCE) holding the job's lease"}}},
            {"last_run_by",
             {{"type", nullable("string")},
              {"description", "The instance that ran the job's last run (on any instance sharing the database)"}}}}},
          {"required", json::array({"name", "enabled", "paused", "every", "running", "last_started_at",
                                    "last_finished_at", "last_duration_ms", "last_outcome", "last_error",
                                    "next_run_at", "runs_total", "failures_total", "skipped_total", "holder",
                                    "last_run_by"})}};
}

json one_job_schema() {
  return {{"type", "object"}, {"properties", {{"job", job_schema()}}}, {"required", json::array({"job"})}};
}

ParamSpec name_param() {
  return ParamSpec{.name = "name",
                   .in = "path",
                   .schema = {{"type", "string"}},
                   .required = true,
                   .description = "job name: market, report or data-sync"};
}

jobs::Scheduler& scheduler(AppContext& ctx) {
  if (!ctx.jobs) throw HttpError(503, "jobs not available");
  return *ctx.jobs;
}

awaitable<Response> list_jobs(AppContext& ctx) {
  ctx.require_db();
  std::vector<jobs::Status> all = co_await scheduler(ctx).status_with_holders();
  json items = json::array();
  for (const auto& s : all) items.push_back(to_json(s));
  co_return Response::json(200, {{"jobs", std::move(items)}});
}

awaitable<Response> one_job(AppContext& ctx, const std::string& name, int status) {
  std::optional<jobs::Status> s = co_await scheduler(ctx).status_with_holder(name);
  if (!s) throw HttpError(404, "job not found");
  co_return Response::json(status, {{"job", to_json(*s)}});
}

awaitable<Response> run_job(Request& req, AppContext& ctx) {
  const std::string name(req.path_param("name"));
  ctx.require_db();
  const jobs::RunNow r = co_await scheduler(ctx).run_now(name);
  switch (r) {
    case jobs::RunNow::unknown:
      throw HttpError(404, "job not found");
    case jobs::RunNow::disabled:
      throw HttpError(409, "job is disabled");
    case jobs::RunNow::running:
      throw HttpError(409, "job is running");
    case jobs::RunNow::started:
      break;
  }
  co_return co_await one_job(ctx, name, 202);
}

awaitable<Response> pause_or_resume(Request& req, AppContext& ctx, bool pause) {
  const std::string name(req.path_param("name"));
  ctx.require_db();
  std::optional<jobs::Status> s = pause ? scheduler(ctx).pause(name) : scheduler(ctx).resume(name);
  if (!s) throw HttpError(404, "job not found");
  co_return co_await one_job(ctx, name, 200);
}
}  // namespace

nlohmann::json job_json(const jobs::Status& s) { return to_json(s); }
nlohmann::json job_response_schema() { return one_job_schema(); }

void register_job_routes(Router& router, AppContext& ctx) {
  using schemas::error_response;
  router.add(RouteSpec{.method = "GET",
                       .path = "/api/admin/jobs",
                       .summary = "List the scheduled jobs",
                       .description = "Every job, disabled ones included, with this instance's view of its runs "
                                      "and the instance holding its lease.",
                       .tag = "admin",
                       .operation_id = "list_jobs",
                       .responses = schemas::admin_responses(
                           {{200,
                             "The jobs",
                             {{"type", "object"},
                              {"properties", {{"jobs", {{"type", "array"}, {"items", job_schema()}}}}},
                              {"required", json::array({"jobs"})}}}}),
                       .security = schemas::admin_security()},
             [&ctx](Request&) { return list_jobs(ctx); });
  router.add(RouteSpec{.method = "POST",
                       .path = "/api/admin/jobs/{name}/run",
                       .summary = "Run a job now",
                       .description = "Takes the job's lease like a tick (also while paused) and starts a run; "
                                      "the answer does not wait for it.",
                       .tag = "admin",
                       .operation_id = "run_job",
                       .params = {name_param()},
                       .responses = schemas::admin_responses({{202, "Started", one_job_schema()},
                                                              error_response(404, "job not found"),
                                                              error_response(409, "job is running (on any "
                                                                                  "instance), or disabled")}),
                       .security = schemas::admin_security()},
             [&ctx](Request& req) { return run_job(req, ctx); });
  router.add(RouteSpec{.method = "POST",
                       .path = "/api/admin/jobs/{name}/pause",
                       .summary = "Pause a job on this instance",
                       .description = "Its ticks do nothing here until resumed; a run in progress goes on.",
                       .tag = "admin",
                       .operation_id = "pause_job",
                       .params = {name_param()},
                       .responses = schemas::admin_responses(
                           {{200, "Paused", one_job_schema()}, error_response(404, "job not found")}),
                       .security = schemas::admin_security()},
             [&ctx](Request& req) { return pause_or_resume(req, ctx, true); });
  router.add(RouteSpec{.method = "POST",
                       .path = "/api/admin/jobs/{name}/resume",
                       .summary = "Resume a paused job on this instance",
                       .tag = "admin",
                       .operation_id = "resume_job",
                       .params = {name_param()},
                       .responses = schemas::admin_responses(
                           {{200, "Resumed", one_job_schema()}, error_response(404, "job not found")}),
                       .security = schemas::admin_security()},
             [&ctx](Request& req) { return pause_or_resume(req, ctx, false); });
}

}  // namespace keel
