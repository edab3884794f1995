#include "routers/reports.hpp"

#include "routers/conditional.hpp"
#include "http/text/iso_datetime.hpp"
#include "http/text/accept_encoding.hpp"
#include "http/validation.hpp"
#include "routers/jobs.hpp"
#include "routers/schemas.hpp"
#include "services/reports/body_stream.hpp"
#include "services/reports/repository.hpp"

#include <charconv>
#include <chrono>
#include <optional>

namespace keel {

namespace {

using nlohmann::json;
using validation::Field;
using validation::Kind;

const validation::Model& list_query_model() {
  static const validation::Model m{
      "ReportListQuery",
      {
          Field{.name = "limit",
                .kind = Kind::integer,
                .required = false,
                .minimum = 1,
                .maximum = 100,
                .description = "page size (default 20)"},
          Field{
              .name = "offset", .kind = Kind::integer, .required = false, .minimum = 0, .description = "rows to skip"},
      }};
  return m;
}

std::int64_t query_int(const Request& req, std::string_view name, std::int64_t fallback) {
  auto v = req.query_param(name);
  if (!v) return fallback;
  std::int64_t n = fallback;
  std::from_chars(v->data(), v->data() + v->size(), n);  // validated by the model
  return n;
}

std::string iso(std::int64_t epoch_s) { return text::format_iso_utc_ms(epoch_s * 1000); }

json to_json(const reports::Report& r) {
  return {{"id", r.id},
          {"period_from", iso(r.period_from)},
          {"period_to", iso(r.period_to)},
          {"created_at", r.created_at},
          {"bytes", r.bytes},
          {"stored_bytes", r.stored_bytes},
          {"sha256", r.sha256},
          {"duration_ms", r.duration_ms}};
}

json report_schema() {
  const json time = {{"type", "string"}, {"format", "date-time"}};
  return {{"type", "object"},
          {"properties",
           {{"id", {{"type", "integer"}}},
            {"period_from", {{"type", "string"}, {"format", "date-time"}, {"description", "bookings from (starts_at)"}}},
            {"period_to", {{"type", "string"}, {"format", "date-time"}, {"description", "... up to, not including"}}},
            {"created_at", time},
            {"bytes", {{"type", "integer"}, {"description", "size of the HTML"}}},
            {"stored_bytes", {{"type", "integer"}, {"description", "size of its gzip, as stored"}}},
            {"sha256", {{"type", "string"}, {"description", "SHA-256 of the HTML (lowercase hex)"}}},
            {"duration_ms", {{"type", "integer"}, {"description", "rendering and storing"}}}}},
          {"required", json::array({"id", "period_from", "period_to", "created_at", "bytes", "stored_bytes", "sha256",
                                    "duration_ms"})}};
}

ParamSpec report_id_param() {
  return ParamSpec{
      .name = "id", .in = "path", .schema = {{"type", "integer"}}, .required = true, .description = "Report id"};
}

reports::Repository repository(AppContext& ctx) {
  ctx.require_db();
  return reports::Repository(*ctx.db);
}

awaitable<reports::Report> find(reports::Repository& repo, std::int64_t id) {
  std::optional<reports::Report> r = co_await repo.get(id);
  if (!r) throw HttpError(404, "report not found");
  co_return *r;
}

awaitable<Response> list_reports(Request& req, AppContext& ctx) {
  schemas::raise_if_invalid(list_query_model().validate_query(req.query));
  auto repo = repository(ctx);
  const reports::ReportPage page =
      co_await repo.list(static_cast<int>(query_int(req, "limit", 20)), query_int(req, "offset", 0));
  json items = json::array();
  for (const auto& r : page.items) items.push_back(to_json(r));
  co_return Response::json(200, {{"reports", std::move(items)}, {"total", page.total}});
}

awaitable<Response> get_report(Request& req, AppContext& ctx) {
  auto repo = repository(ctx);
  const reports::Report r = co_await find(repo, schemas::id_param(req));
  co_return Response::json(200, to_json(r));
}

// The HTML: the stored gzip as it is when the client takes gzip, else
// inflated on the fly; each coding its own ETag. No Range (a body is
// streamed from the database, not a file).
awaitable<Response> report_content(Request& req, AppContext& ctx) {
  auto repo = repository(ctx);
  const reports::Report r = co_await find(repo, schemas::id_param(req));
  const bool gzip = text::accepts_coding(req.header("Accept-Encoding").value_or(""), "gzip");
  const std::string etag = "\"" + r.sha256 + (gzip ? "-gzip" : "") + "\"";

  const bool unchanged = if_none_match_hits(req, etag);
  Response res = unchanged ? Response::empty(304) : Response{};
  res.headers.set("ETag", etag);
  res.headers.set("Vary", "Accept-Encoding");
  res.headers.set("Cache-Control", "private, no-cache");
  if (unchanged) co_return res;
  res.headers.set("Content-Type", "text/html; charset=utf-8");
  res.headers.set("Content-Disposition", "inline; filename=\"report-" + std::to_string(r.id) + ".html\"");
  if (gzip) res.headers.set("Content-Encoding", "gzip");
  // Each download holds a 128 KiB chunk until it is sent: at most
  // kReportDownloads at once; the others wait up to 10 s, then 503.
  std::optional<AsyncSemaphore::Permit> permit = co_await ctx.report_permits.acquire(std::chrono::seconds(10));
  if (!permit) {
    Headers retry;
    retry.set("Retry-After", "1");
    throw HttpError(503, "too many report downloads at once, retry", retry);
  }
  res.hold = std::make_shared<AsyncSemaphore::Permit>(std::move(*permit));
  auto stream = std::make_shared<reports::BodyStream>(repo, ctx.blocking, r.id, r.stored_bytes, !gzip);
  res.body = StreamBody{[stream]() { return stream->next(); }};
  co_return res;
}

awaitable<Response> run_report_now(AppContext& ctx) {
  ctx.require_db();
  if (!ctx.jobs) throw HttpError(503, "jobs not available");
  switch (co_await ctx.jobs->run_now("report")) {
    case jobs::RunNow::unknown:
      throw HttpError(503, "report job not registered");
    case jobs::RunNow::disabled:
      throw HttpError(409, "report job is disabled");
    case jobs::RunNow::running:
      throw HttpError(409, "a report is being made");
    case jobs::RunNow::started:
      break;
  }
  std::optional<jobs::Status> s = co_await ctx.jobs->status_with_holder("report");
  co_return Response::json(202, {{"job", job_json(*s)}});
}

awaitable<Response> delete_report(Request& req, AppContext& ctx) {
  auto repo = repository(ctx);
  if (!co_await repo.remove(schemas::id_param(req))) throw HttpError(404, "report not found");
  co_return Response::empty(204);
}

}  // namespace

void register_report_routes(Router& router, AppContext& ctx) {
  using schemas::error_response;
  RouteSpec list{.method = "GET",
                 .path = "/api/admin/reports",
                 .summary = "List the stored reports",
                 .description = "Newest first. The bodies are at /api/admin/reports/{id}/content; the newest "
                                "KEEL_REPORT_KEEP are kept.",
                 .tag = "admin",
                 .operation_id = "list_reports",
                 .params = schemas::query_params(list_query_model()),
                 .security = schemas::admin_security()};
  list.responses = schemas::admin_responses(
      {{200,
        "A page of reports",
        {{"type", "object"},
         {"properties", {{"reports", {{"type", "array"}, {"items", report_schema()}}}, {"total", {{"type", "integer"}}}}},
         {"required", json::array({"reports", "total"})}}},
       error_response(422, "Validation error")});
  router.add(list, [&ctx](Request& req) { return list_reports(req, ctx); });

  router.add(RouteSpec{.method = "POST",
                       .path = "/api/admin/reports",
                       .summary = "Make a report now",
                       .description = "Runs the `report` job now (taking its lease like a tick); the answer does not "
                                      "wait for it: the report appears in the list when done, and the job's "
                                      "last_outcome and last_error tell how it went.",
                       .tag = "admin",
                       .operation_id = "run_report",
                       .responses = schemas::admin_responses(
                           {{202, "Started", job_response_schema()},
                            error_response(409, "a report is being made (on any instance), or the job is off")}),
                       .security = schemas::admin_security()},
             [&ctx](Request&) { return run_report_now(ctx); });

  router.add(RouteSpec{.method = "GET",
                       .path = "/api/admin/reports/{id:int}",
                       .summary = "A report's metadata",
                       .tag = "admin",
                       .operation_id = "get_report",
                       .params = {report_id_param()},
                       .responses = schemas::admin_responses(
                           {{200, "The report", report_schema()}, error_response(404, "report not found")}),
                       .security = schemas::admin_security()},
             [&ctx](Request& req) { return get_report(req, ctx); });

  router.add(RouteSpec{.method = "GET",
                       .path = "/api/admin/reports/{id:int}/content",
                       .summary = "A report's HTML",
                       .description =
                           "One self-contained HTML document, streamed from the database in 128 KiB chunks (at most 4 downloads at once). With `Accept-Encoding: "
                           "gzip` the stored gzip is sent as it is (`Content-Encoding: gzip`, ETag "
                           "`\"<sha256>-gzip\"`), otherwise it is inflated on the fly (ETag `\"<sha256>\"`); "
                           "`If-None-Match` -> 304. No ranges.",
                       .tag = "admin",
                       .operation_id = "get_report_content",
                       .params = {report_id_param()},
                       .responses = schemas::admin_responses(
                           {{200, "The HTML", {{"type", "string"}}, "text/html"},
                            {304, "Not modified (If-None-Match)", nullptr},
                            error_response(404, "report not found")},
                           "the database is unavailable, or 4 report downloads are running (Retry-After)"),
                       .security = schemas::admin_security()},
             [&ctx](Request& req) { return report_content(req, ctx); });

  router.add(RouteSpec{.method = "DELETE",
                       .path = "/api/admin/reports/{id:int}",
                       .summary = "Delete a report",
                       .tag = "admin",
                       .operation_id = "delete_report",
                       .params = {report_id_param()},
                       .responses = schemas::admin_responses(
                           {{204, "Deleted", nullptr}, error_response(404, "report not found")}),
                       .security = schemas::admin_security()},
             [&ctx](Request& req) { return delete_report(req, ctx); });
}

}  // namespace keel
