// PUT and DELETE /api/admin/datasets/{name}: a sync converts the request
// body as it streams in (never stored whole), then switches the dataset to
// the new generation; a failed sync leaves the old one as it was.
#include "http/body_chunks.hpp"
#include "http/text/ascii.hpp"
#include "http/text/header_params.hpp"
#include "routers/dataset_schemas.hpp"
#include "routers/datasets.hpp"
#include "routers/schemas.hpp"
#include "services/datafeed/sync.hpp"

#include <spdlog/spdlog.h>

#include <charconv>
#include <memory>

namespace keel {

namespace {

using datafeed::CsvSync;
using datafeed::SyncError;

std::string dataset_name(const Request& req) {
  std::string name(req.path_param("name"));
  if (!datafeed::valid_dataset_name(name)) dataset_schemas::raise_bad_name("path", "name");
  return name;
}

// The sync's options from the query (422 before any body byte is read).
datafeed::SyncOptions sync_options(const Request& req, const Config& cfg) {
  schemas::raise_if_invalid(dataset_schemas::sync_query_model().validate_query(req.query));
  datafeed::SyncOptions o;
  o.csv.max_field_bytes = cfg.csv_max_field_bytes;
  if (auto d = req.query_param("delimiter")) o.csv.delimiter = *datafeed::parse_delimiter(*d);
  if (auto e = req.query_param("encoding")) {
    auto enc = datafeed::parse_encoding(*e);
    if (!enc)
      throw validation_error({ValidationIssue{{"query", "encoding"},
                                              "Input should be 'utf-8', 'windows-1252' or 'latin-1'", "enum"}});
    o.csv.encoding = *enc;
  }
  if (auto m = req.query_param("max_bad_rows")) std::from_chars(m->data(), m->data() + m->size(), o.max_bad_rows);
  o.max_source_bytes = cfg.max_sync_bytes;
  o.min_free_disk_bytes = cfg.min_free_disk_bytes;
  o.source = "upload";
  o.expected_bytes = req.body ? req.body->content_length() : std::nullopt;
  return o;
}

// text/csv, application/csv or text/plain, in identity or gzip: 415 otherwise.
bool gzip_body(const Request& req) {
  auto ct = req.header("Content-Type");
  auto parsed = ct ? text::parse_param_header(*ct) : std::nullopt;
  const bool csv = parsed && (text::iequals(parsed->value, "text/csv") || text::iequals(parsed->value, "application/csv") ||
                              text::iequals(parsed->value, "text/plain"));
  if (!csv) throw HttpError(415, "the body must be a CSV: Content-Type text/csv, application/csv or text/plain");
  auto ce = req.header("Content-Encoding");
  if (!ce || text::iequals(text::trim(*ce), "identity")) return false;
  if (text::iequals(text::trim(*ce), "gzip") || text::iequals(text::trim(*ce), "x-gzip")) return true;
  throw HttpError(415, "Content-Encoding must be gzip or identity");
}

Response sync_error_response(const SyncError& e) {
  Response r = Response::json(e.status, e.body);
  if (e.status == 429) r.headers.set("Retry-After", "5");
  return r;
}

// Reads the body in KEEL_UPLOAD_CHUNK_KB pieces and feeds each to the sync
// on the blocking pool while the next is read (http/body_chunks.hpp). The
// feeding job shares the sync. Throws what reading the body throws
// (ClientGone, timeouts) once the piece being fed is done: the sync then
// goes, and its temp folder with it.
awaitable<void> stream_body(Request& req, const std::shared_ptr<CsvSync>& sync, BlockingPool& blocking,
                            std::size_t chunk_bytes) {
  DoubleBuffer chunks(chunk_bytes);
  std::exception_ptr failed;
  try {
    while (!req.body->done()) {
      std::span<char> chunk = chunks.next();
      std::size_t n = co_await read_full(*req.body, chunk);
      if (n == 0) break;
      auto feed = [sync, data = std::string_view(chunk.data(), n)] { sync->feed(data); };
      co_await chunks.hand_off(blocking, std::move(feed));
    }
    co_await chunks.settle();
  } catch (...) { failed = std::current_exception(); }
  if (failed) {
    co_await chunks.abandon();
    std::rethrow_exception(failed);
  }
}

awaitable<Response> put_dataset(Request& req, AppContext& ctx) {
  const std::string name = dataset_name(req);
  datafeed::SyncOptions options = sync_options(req, ctx.config);
  const bool gzip = gzip_body(req);
  options.gzip = gzip;
  try {
    // The dataset's lock first (409), then a sync slot (429).
    auto start = [&ctx, &name, &options] { return std::make_unique<CsvSync>(ctx.datasets, name, options); };
    std::shared_ptr<CsvSync> sync = co_await run_blocking(ctx.blocking, std::move(start));
    auto slot = ctx.sync_slots.try_acquire();
    if (!slot) throw SyncError(429, {{"detail", "too many syncs in progress, retry later"}});
    if (!req.body) throw SyncError(422, {{"detail", "empty CSV: no header row"}});
    co_await stream_body(req, sync, ctx.blocking, ctx.config.upload_chunk_bytes);
    auto finish = [&sync] { return sync->finish(); };
    nlohmann::json report = co_await run_blocking(ctx.blocking, std::move(finish));
    const bool created = sync->created();
    spdlog::info("dataset {} synced: generation {}, {} records, {} bad rows", name,
                 report.value("generation", ""), report.value("records", 0), report.value("bad_rows", 0));
    Response r = Response::json(created ? 201 : 200, report);
    if (created) r.headers.set("Location", "/api/datasets/" + name);
    co_return r;
  } catch (const SyncError& e) {
    spdlog::warn("dataset {} sync failed ({}): {}", name, e.status, e.body.value("detail", ""));
    co_return sync_error_response(e);
  }
}

awaitable<Response> delete_dataset(Request& req, AppContext& ctx) {
  const std::string name = dataset_name(req);
  auto& store = ctx.datasets;
  auto job = [&store, &name]() -> int {
    auto lock = store.try_lock(name);
    if (!lock) return 409;
    return store.remove(*lock) ? 204 : 404;
  };
  const int status = co_await run_blocking(ctx.blocking, std::move(job));
  if (status == 409) throw HttpError(409, "sync in progress");
  if (status == 404) throw HttpError(404, "dataset not found");
  spdlog::info("dataset {} deleted", name);
  co_return Response::empty(204);
}

}  // namespace

void register_admin_dataset_routes(Router& router, AppContext& ctx) {
  using schemas::error_response;
  std::vector<ParamSpec> params = schemas::query_params(dataset_schemas::sync_query_model());
  params.insert(params.begin(), dataset_schemas::name_param());
  RequestBodySpec csv{{{"text/csv", {{"type", "string"}, {"format", "binary"}}}},
                      true,
                      "The CSV, converted as it streams in (Content-Length or chunked; Content-Encoding: gzip is "
                      "inflated on the way). Also text/plain or application/csv."};
  router.add(
      RouteSpec{.method = "PUT",
                .path = "/api/admin/datasets/{name}",
                .summary = "Sync a dataset from a CSV body",
                .description =
                    "Converts the CSV into a new generation (JSON Lines, a sparse index and meta.json) and "
                    "switches the dataset to it atomically; readers see the old or the new generation, never a "
                    "mix. Bad rows are skipped and reported; more than max_bad_rows fails the sync and keeps the "
                    "old generation. Memory stays at one read chunk plus one record whatever the size.",
                .tag = "admin",
                .operation_id = "sync_dataset",
                .params = params,
                .body = BodyKind::stream,
                .request_body = csv,
                .responses = schemas::admin_responses(
                    {{200, "Synced: the report", dataset_schemas::sync_report()},
                     {201, "Created: the report", dataset_schemas::sync_report()},
                     error_response(400, "Broken gzip body"),
                     error_response(409, "sync in progress"),
                     error_response(413, "Over KEEL_MAX_SYNC_MB"),
                     error_response(415, "Not a CSV content type or coding"),
                     error_response(422, "Bad parameters, empty CSV, or too many bad rows (with the report)"),
                     error_response(429, "KEEL_MAX_SYNCS syncs already running"),
                     error_response(507, "Not enough free disk space (KEEL_MIN_FREE_DISK_MB)")},
                    "the data folder is unavailable"),
                .security = schemas::admin_security(),
                .max_body_bytes = ctx.config.max_sync_bytes},
      [&ctx](Request& req) { return put_dataset(req, ctx); });
  router.add(RouteSpec{.method = "DELETE",
                       .path = "/api/admin/datasets/{name}",
                       .summary = "Delete a dataset",
                       .description = "Removes every generation; readers already streaming finish.",
                       .tag = "admin",
                       .operation_id = "delete_dataset",
                       .params = {dataset_schemas::name_param()},
                       .responses = schemas::admin_responses({{204, "Deleted", {}},
                                                              error_response(404, "dataset not found"),
                                                              error_response(409, "sync in progress")}),
                       .security = schemas::admin_security()},
             [&ctx](Request& req) { return delete_dataset(req, ctx); });
}

}  // namespace keel
