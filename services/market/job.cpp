#include "services/market/job.hpp"

#include "http/client/fetch.hpp"
#include "http/client/fetch_error.hpp"
#include "http/client/fetch_url.hpp"
#include "services/market/snapshot.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace keel::market {

namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The upstream's JSON, or what went wrong as the run's error.
awaitable<std::string> fetch_json(const Config& cfg) {
  FetchRequest req;
  req.url = cfg.market_url;
  req.accept_gzip = true;
  req.max_body_bytes = kMaxBodyBytes;
  req.ca_file = cfg.http_ca_file;
  FetchedString got;
  try {
    got = co_await fetch_string(std::move(req));
  } catch (const FetchError& e) {
    if (e.kind == FetchError::Kind::cancelled) throw;
    throw std::runtime_error(std::string("market upstream: ") + e.what());
  }
  if (!got.result.ok())
    throw std::runtime_error("market upstream answered " + std::to_string(got.result.status) +
                             (got.result.reason.empty() ? "" : " " + got.result.reason));
  if (!nlohmann::json::accept(got.body)) throw std::runtime_error("market upstream sent invalid JSON");
  co_return std::move(got.body);
}

awaitable<void> store(AppContext& ctx, const Snapshot& snap) {
  if (!ctx.redis) throw std::runtime_error("redis unavailable: not configured");
  std::vector<std::string> argv{"SET", kRedisKey, snap.document, "EX", std::to_string(ctx.config.market_ttl_s)};
  redis::Reply reply;
  try {
    reply = co_await ctx.redis->command(std::move(argv));
  } catch (const redis::Error& e) {
    const std::string what = e.what();
    if (e.kind() != redis::ErrorKind::unavailable && e.kind() != redis::ErrorKind::timeout)
      throw std::runtime_error("redis: " + what);
    throw std::runtime_error(what.starts_with("redis unavailable") ? what : "redis unavailable: " + what);
  }
  if (reply.type != redis::Reply::Type::status || reply.str != "OK")
    throw std::runtime_error("redis: unexpected reply to SET: " + redis::describe(reply));
}

awaitable<void> run_once(AppContext& ctx, std::string source) {
  std::shared_ptr<const Snapshot> snap;
  {
    std::string data = co_await fetch_json(ctx.config);
    snap = make_snapshot(now_ms(), source, data);
  }  // the fetched body goes before Redis gets its copy
  ctx.market_seen.remember(snap);
  co_await store(ctx, *snap);
}

}  // namespace

jobs::Body job_body(AppContext& ctx) {
  if (ctx.config.job_market.every_s > 0 && ctx.redis) ctx.redis->open();
  return
      [&ctx, source = url_without_credentials(ctx.config.market_url)](jobs::JobRun&) { return run_once(ctx, source); };
}

}  // namespace keel::market
