#include "routers/market.hpp"

#include "routers/conditional.hpp"
#include "routers/schemas.hpp"
#include "services/market/snapshot.hpp"

namespace keel {

namespace {
using nlohmann::json;
using Clock = std::chrono::system_clock;

[[noreturn]] void unavailable(const char* why) {
  Headers h;
  h.set("Retry-After", "1");
  throw HttpError(503, why, std::move(h));
}

// The snapshot in Redis (nullptr: none there). Sets redis_down when Redis
// could not answer; a full queue is a 503 of its own.
awaitable<std::shared_ptr<const market::Snapshot>> from_redis(AppContext& ctx, bool& redis_down) {
  if (!ctx.redis) {
    redis_down = true;
    co_return nullptr;
  }
  std::vector<std::string> argv{"GET", market::kRedisKey};
  redis::Reply reply;
  try {
    reply = co_await ctx.redis->command(std::move(argv));
  } catch (const redis::Error& e) {
    if (e.kind() == redis::ErrorKind::busy) unavailable("market data unavailable: redis busy");
    redis_down = true;
    co_return nullptr;
  }
  if (reply.type != redis::Reply::Type::string) co_return nullptr;
  // The same document as last time: its digest is known already.
  if (auto same = ctx.market_seen.same_as(reply.str)) co_return same;
  auto snap = market::read_snapshot(std::move(reply.str));
  ctx.market_seen.remember(snap);
  co_return snap;
}

awaitable<Response> market_indices(Request& req, AppContext& ctx) {
  bool redis_down = false;
  std::shared_ptr<const market::Snapshot> snap = co_await from_redis(ctx, redis_down);
  const auto now = Clock::now();
  const std::int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const bool local = !snap;
  if (local) snap = ctx.market_seen.get(now_s, ctx.config.market_ttl_s);
  if (!snap) unavailable("market data unavailable");

  const std::int64_t age = market::age_seconds(now_s, snap->fetched_at_s);
  const bool stale = market::is_stale(age, ctx.config.job_market.every_s, local);
  std::optional<Clock::time_point> next_run;
  if (ctx.jobs)
    if (auto s = ctx.jobs->status("market")) next_run = s->next_run_at;
  const std::string etag = market::etag(*snap, stale);
  const std::string cache_control = "max-age=" + std::to_string(market::max_age_seconds(now, next_run));

  if (if_none_match_hits(req, etag)) co_return not_modified(etag, cache_control);
  Response r = Response::text(200, market::response_body(*snap, age, stale), "application/json");
  r.headers.set("ETag", etag);
  r.headers.set("Cache-Control", cache_control);
  co_return r;
}

json snapshot_schema() {
  return {
      {"type", "object"},
      {"properties",
       {{"fetched_at", {{"type", "string"}, {"format", "date-time"}, {"description", "When it was fetched"}}},
        {"source", {{"type", "string"}, {"description", "The upstream URL (KEEL_MARKET_URL, without credentials)"}}},
        {"data", {{"description", "The upstream's JSON document, as it sent it"}}},
        {"age_s", {{"type", "integer"}, {"description", "Seconds since fetched_at"}}},
        {"stale",
         {{"type", "boolean"},
          {"description",
           "Older than two intervals of the market job, the job is off, or Redis is down (this "
           "instance's last copy)"}}}}},
      {"required", json::array({"fetched_at", "source", "data", "age_s", "stale"})}};
}
}  // namespace

void register_market_routes(Router& router, AppContext& ctx) {
  router.add(RouteSpec{.method = "GET",
                       .path = "/api/market-indices",
                       .summary = "The latest market indices",
                       .description = "The snapshot the `market` job stores in Redis (KEEL_JOB_MARKET_EVERY), with "
                                      "its age. The ETag stays while the snapshot does (however `age_s` moves): "
                                      "`If-None-Match` -> 304. `Cache-Control: max-age` is the time until the next "
                                      "run. With Redis down, this instance's last snapshot (at most "
                                      "KEEL_MARKET_TTL_S old) is served as stale.",
                       .tag = "market",
                       .operation_id = "market_indices",
                       .responses = {{200, "The snapshot", snapshot_schema()},
                                     {304, "Not modified", {}},
                                     schemas::error_response(503,
                                                             "market data unavailable (none yet, or Redis "
                                                             "down with no copy here, or Redis busy)")}},
             [&ctx](Request& req) { return market_indices(req, ctx); });
}

}  // namespace keel
