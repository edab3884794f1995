#include "routers/datasets.hpp"

#include "http/file/sender.hpp"
#include "http/text/accept_encoding.hpp"
#include "routers/conditional.hpp"
#include "routers/dataset_schemas.hpp"
#include "routers/schemas.hpp"
#include "services/compress/gzip_encoder.hpp"
#include "services/datafeed/page.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>

namespace keel {

namespace {

using datafeed::Generation;
using GenerationPtr = std::shared_ptr<const Generation>;

// A small page is read, and gzipped, in one trip to the blocking pool and
// answered with a Content-Length; a larger one streams in pieces.
constexpr std::uint64_t kSmallPage = datafeed::PageRecords::kPiece;
constexpr std::chrono::seconds kPageWait{10};

struct PageQuery {
  std::string dataset;
  std::uint64_t offset = 0;
  std::uint64_t limit = 100;
  bool metadata_only = false;
  std::optional<std::string> generation;
};

std::uint64_t query_uint(const Request& req, std::string_view name, std::uint64_t fallback) {
  auto v = req.query_param(name);
  if (!v) return fallback;
  std::uint64_t n = fallback;
  std::from_chars(v->data(), v->data() + v->size(), n);  // validated by the model
  return n;
}

// Validates the query (422 in FastAPI's shape) and reads it.
PageQuery page_query(const Request& req, const AppContext& ctx, bool feed) {
  schemas::raise_if_invalid(dataset_schemas::page_query_model(feed).validate_query(req.query));
  PageQuery q;
  q.offset = query_uint(req, "offset", 0);
  q.limit = query_uint(req, "limit", 100);
  if (feed) {
    if (auto m = req.query_param("metadata_only")) q.metadata_only = validation::parse_query_bool(*m).value_or(false);
    auto d = req.query_param("dataset");
    q.dataset = d ? std::string(*d) : ctx.config.data_default_dataset;
    if (d && !datafeed::valid_dataset_name(q.dataset)) dataset_schemas::raise_bad_name("query", "dataset");
  } else {
    q.dataset = std::string(req.path_param("name"));
    if (!datafeed::valid_dataset_name(q.dataset)) dataset_schemas::raise_bad_name("path", "name");
  }
  if (auto g = req.query_param("generation")) {
    if (!datafeed::valid_generation_id(*g))
      throw validation_error({ValidationIssue{{"query", "generation"}, "not a generation id", "value_error"}});
    q.generation = std::string(*g);
  }
  return q;
}

[[noreturn]] void dataset_not_found() { throw HttpError(404, "dataset not found"); }

// The generation a read uses: the pinned one (410 once removed), else the
// current one -- from the cache without a system call when it is fresh.
awaitable<GenerationPtr> open_generation(AppContext& ctx, const std::string& name,
                                         const std::optional<std::string>& pinned) {
  auto& store = ctx.datasets;
  if (!pinned) {
    if (auto fresh = store.current_if_fresh(name)) {
      if (!*fresh) dataset_not_found();
      co_return *fresh;
    }
  }
  auto job = [&store, &name, &pinned]() -> std::pair<GenerationPtr, GenerationPtr> {
    GenerationPtr cur = store.current(name);
    if (!cur || !pinned) return {cur, nullptr};
    return {cur, cur->id == *pinned ? cur : store.pinned(name, *pinned)};
  };
  auto [cur, pin] = co_await run_blocking(ctx.blocking, std::move(job));
  if (!cur) dataset_not_found();
  if (!pinned) co_return cur;
  if (!pin) throw HttpError(410, "generation gone");
  co_return pin;
}

std::string strong_etag(const Generation& g, std::string_view rest) {
  return "\"" + g.dataset + "." + g.id + (rest.empty() ? "" : ".") + std::string(rest) + "\"";
}

Response not_modified_response(const std::string& etag, bool vary) {
  Response r = not_modified(etag, "private, no-cache");
  if (vary) r.headers.set("Vary", "Accept-Encoding");
  return r;
}

// `body`: one of the generation's serialized answers.
Response meta_response(const Request& req, const Generation& g, const std::string& body, std::string_view tag) {
  const std::string etag = strong_etag(g, tag);
  if (if_none_match_hits(req, etag)) return not_modified_response(etag, false);
  Response r = Response::text(200, body, "application/json");
  r.headers.set("ETag", etag);
  r.headers.set("Cache-Control", "private, no-cache");
  return r;
}

// What a page sends, once located: the envelope, the records, the coding.
struct PageStream {
  PageStream(GenerationPtr g, datafeed::RecordRange range, std::string prefix, bool gzip)
      : records(std::move(g), range), prefix(std::move(prefix)) {
    if (gzip) encoder.emplace();
  }
  datafeed::PageRecords records;
  std::string prefix;  // sent first, then cleared
  std::optional<compress::GzipEncoder> encoder;
  bool ended = false;

  // The next piece of the body (blocking: reads the file, compresses).
  std::string next() {
    std::string plain;
    if (!prefix.empty()) plain.swap(prefix);
    records.read_next(plain);
    const bool last = records.done();
    if (last) {
      plain += datafeed::kPageSuffix;
      ended = true;
    }
    if (!encoder) return plain;
    std::string zipped;
    encoder->encode(plain, last, zipped);
    return zipped;
  }
};

awaitable<Response> page_response(const Request& req, AppContext& ctx, GenerationPtr g, const PageQuery& q) {
  const bool gzip = text::accepts_coding(req.header("Accept-Encoding").value_or(""), "gzip");
  const std::string etag =
      strong_etag(*g, std::to_string(q.offset) + "." + std::to_string(q.limit) + (gzip ? ".gz" : ""));
  if (if_none_match_hits(req, etag)) co_return not_modified_response(etag, true);

  // A page body holds up to 64 KiB (and 64 KiB of zlib state) until it is
  // sent: KEEL_DATA_MAX_PAGES of them at once, the others wait their turn.
  std::optional<AsyncSemaphore::Permit> permit = co_await ctx.page_permits.acquire(kPageWait);
  if (!permit) {
    Headers h;
    h.set("Retry-After", "1");
    throw HttpError(503, "too many data pages in flight, retry", h);
  }
  const datafeed::PageShape shape = datafeed::page_shape(g->records, q.offset, q.limit);
  std::string prefix = datafeed::page_prefix(*g, shape);
  // One trip to the blocking pool locates the records and, for a small page,
  // reads (and compresses) all of it.
  auto locate = [&ctx, g, &q, &shape, gzip, prefix = std::move(prefix)]() mutable {
    datafeed::RecordRange range = ctx.datasets.locate(*g, q.offset, shape.returned);
    auto stream = std::make_shared<PageStream>(g, range, std::move(prefix), gzip);
    std::string first;
    if (stream->records.size() <= kSmallPage) first = stream->next();
    return std::make_pair(stream, std::move(first));
  };
  auto [stream, first] = co_await run_blocking(ctx.blocking, std::move(locate));

  Response r;
  r.headers.set("Content-Type", "application/json");
  r.headers.set("ETag", etag);
  r.headers.set("Vary", "Accept-Encoding");
  r.headers.set("Cache-Control", "private, no-cache");
  if (gzip) r.headers.set("Content-Encoding", "gzip");
  r.hold = std::make_shared<AsyncSemaphore::Permit>(std::move(*permit));
  if (stream->ended) {
    r.body = std::move(first);
    co_return r;
  }
  BlockingPool& blocking = ctx.blocking;
  r.body = StreamBody{[stream, &blocking]() -> awaitable<std::optional<std::string>> {
    if (stream->ended) co_return std::nullopt;
    auto piece = [stream] { return stream->next(); };
    co_return co_await run_blocking(blocking, std::move(piece));
  }};
  co_return r;
}

awaitable<Response> read_page(Request& req, AppContext& ctx, bool feed) {
  const PageQuery q = page_query(req, ctx, feed);
  GenerationPtr g = co_await open_generation(ctx, q.dataset, q.generation);
  if (q.metadata_only) co_return meta_response(req, *g, g->summary_body, "meta");
  co_return co_await page_response(req, ctx, std::move(g), q);
}

awaitable<Response> dataset_meta(Request& req, AppContext& ctx) {
  const PageQuery q = page_query(req, ctx, false);
  GenerationPtr g = co_await open_generation(ctx, q.dataset, q.generation);
  co_return meta_response(req, *g, g->meta_body, "full");
}

awaitable<Response> list_datasets(Request&, AppContext& ctx) {
  auto& store = ctx.datasets;
  auto job = [&store] {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& name : store.names())
      if (GenerationPtr g = store.current(name)) list.push_back(datafeed::generation_summary(*g));
    return list;
  };
  nlohmann::json list = co_await run_blocking(ctx.blocking, std::move(job));
  Response r = Response::json(200, {{"datasets", std::move(list)}});
  r.headers.set("Cache-Control", "private, no-cache");
  co_return r;
}

awaitable<Response> records_file(Request& req, AppContext& ctx) {
  const PageQuery q = page_query(req, ctx, false);
  GenerationPtr g = co_await open_generation(ctx, q.dataset, q.generation);
  const std::string etag = strong_etag(*g, "jsonl");
  file_sender::FileInfo info;
  info.size = g->jsonl_bytes;
  info.etag = etag;
  info.last_modified = std::chrono::system_clock::to_time_t(g->synced_at);
  info.content_type = "application/x-ndjson";
  info.cache_control = "private, no-cache";
  const std::string disposition = "attachment; filename=\"" + g->dataset + "-" + g->id + ".jsonl\"";
  info.content_disposition = disposition;
  co_return file_sender::serve(req, g->records_file, info);
}

std::vector<ResponseSpec> data_responses(std::vector<ResponseSpec> own) {
  using schemas::error_response;
  own.push_back(error_response(401, "No API key"));
  own.push_back(error_response(403, "Unknown or revoked API key"));
  own.push_back(error_response(404, "dataset not found"));
  own.push_back(error_response(410, "generation gone: the pinned generation was removed"));
  own.push_back(error_response(422, "Bad parameters"));
  own.push_back(error_response(429, "Rate limit of the API key exceeded (Retry-After)"));
  own.push_back(error_response(503, "Too many data pages in flight (KEEL_DATA_MAX_PAGES); Retry-After"));
  return own;
}

}  // namespace

void register_dataset_routes(Router& router, AppContext& ctx) {
  using namespace dataset_schemas;
  const std::string paging_note =
      " Pages are copied from the generation's JSON Lines file, found through a sparse index: any depth costs "
      "the same. `Accept-Encoding: gzip` is honoured; the ETag names dataset, generation, offset, limit and "
      "coding (`If-None-Match` -> 304). Every answer carries RateLimit-Limit, RateLimit-Remaining and "
      "RateLimit-Reset for data keys.";
  router.add(
      RouteSpec{.method = "GET",
                .path = "/fetch-data",
                .summary = "A page of a dataset (the original feed's contract)",
                .description = "limit 1-1000 (default 100), offset >= 0, dataset (default "
                               "KEEL_DATA_DEFAULT_DATASET), metadata_only=true for the metadata alone, generation= "
                               "to pin a generation." +
                               paging_note,
                .tag = "data",
                .operation_id = "fetch_data",
                .params = schemas::query_params(page_query_model(true)),
                .responses = data_responses({{200, "A page, or the metadata", page()}, {304, "Not modified", {}}}),
                .security = schemas::data_security()},
      [&ctx](Request& req) { return read_page(req, ctx, true); });
  router.add(RouteSpec{.method = "GET",
                       .path = "/api/datasets",
                       .summary = "Datasets and their current generations",
                       .tag = "data",
                       .operation_id = "list_datasets",
                       .responses = data_responses({{200, "The datasets", dataset_list()}}),
                       .security = schemas::data_security()},
             [&ctx](Request& req) { return list_datasets(req, ctx); });
  auto with_name = [](std::vector<ParamSpec> ps) {
    ps.insert(ps.begin(), name_param());
    return ps;
  };
  router.add(RouteSpec{.method = "GET",
                       .path = "/api/datasets/{name}",
                       .summary = "A dataset's metadata (its sync report)",
                       .tag = "data",
                       .operation_id = "get_dataset",
                       .params = with_name({ParamSpec{.name = "generation",
                                                      .description = "a pinned generation (410 once removed)"}}),
                       .responses = data_responses({{200, "meta.json of the generation", meta()},
                                                    {304, "Not modified", {}}}),
                       .security = schemas::data_security()},
             [&ctx](Request& req) { return dataset_meta(req, ctx); });
  router.add(RouteSpec{.method = "GET",
                       .path = "/api/datasets/{name}/records",
                       .summary = "A page of a dataset's records",
                       .description = "Paged as /fetch-data." + paging_note,
                       .tag = "data",
                       .operation_id = "dataset_records",
                       .params = with_name(schemas::query_params(page_query_model(false))),
                       .responses = data_responses({{200, "A page", page()}, {304, "Not modified", {}}}),
                       .security = schemas::data_security()},
             [&ctx](Request& req) { return read_page(req, ctx, false); });
  std::vector<ResponseSpec> jsonl = schemas::file_responses("dataset not found");
  jsonl[0].content_type = jsonl[1].content_type = "application/x-ndjson";
  for (auto& extra : data_responses({}))
    if (std::none_of(jsonl.begin(), jsonl.end(), [&](const ResponseSpec& r) { return r.status == extra.status; }))
      jsonl.push_back(std::move(extra));
  router.add(RouteSpec{.method = "GET",
                       .path = "/api/datasets/{name}/records.jsonl",
                       .summary = "A whole generation as JSON Lines",
                       .description = "One JSON object per line, keys in header order, values strings. Range, "
                                      "ETag and If-Range make downloads resumable; never compressed.",
                       .tag = "data",
                       .operation_id = "dataset_records_jsonl",
                       .params = with_name({ParamSpec{.name = "generation",
                                                      .description = "a pinned generation (410 once removed)"}}),
                       .responses = jsonl,
                       .security = schemas::data_security()},
             [&ctx](Request& req) { return records_file(req, ctx); });
}

}  // namespace keel
