#include "routers/health.hpp"

#include "routers/schemas.hpp"

#include "http/coarse_clock.hpp"

#include <atomic>
#include <climits>
#include <cmath>
#include <memory>

namespace keel {

namespace {

nlohmann::json memory_json(AppContext& ctx) {
  auto r = ctx.memory.last();
  nlohmann::json j{
      {"rss_bytes", r.rss_bytes},
      {"peak_rss_bytes", r.peak_rss_bytes},
      {"limit_bytes", r.limit_bytes},
      {"limit_source", memory::to_string(r.source)},
      {"used_bytes", r.used_bytes},
      {"used_percent", std::round(r.used_percent * 100.0) / 100.0},
      {"warn_percent", ctx.memory.warn_percent()},
      {"reject_percent", ctx.memory.reject_percent()},
      {"state", memory::to_string(ctx.memory.state())},
      {"rejected_total", ctx.memory.rejected_total()},
      {"alloc_failures_total", ctx.errors.alloc_failures_total.load()},
  };
  nlohmann::json limits = nlohmann::json::object();
  if (ctx.server_stats) {
    auto s = ctx.server_stats();
    limits["connections"] = {
        {"max", s.connections_max}, {"in_use", s.connections_in_use}, {"rejected_total", s.connections_rejected_total}};
  }
  limits["uploads"] = {{"max", ctx.upload_slots.max()}, {"in_use", ctx.upload_slots.in_use()}};
  limits["pdf_renders"] = {{"max", ctx.pdf_slots.max()}, {"in_use", ctx.pdf_slots.in_use()}};
  j["limits"] = limits;
  if (ctx.db) {
    auto p = ctx.db->stats();
    j["db_pool"] = {{"size", p.size},
                    {"max_overflow", p.max_overflow},
                    {"checked_out", p.checked_out},
                    {"overflow_in_use", p.overflow_in_use},
                    {"waiting", p.waiting},
                    {"timeouts_total", p.timeouts_total},
                    {"reconnects_total", p.reconnects_total},
                    {"hosts", nlohmann::json::array()}};
    for (const auto& h : p.hosts) j["db_pool"]["hosts"].push_back({{"host", h.host}, {"connections", h.connections}});
  }
  return j;
}

// The DB ping behind /api/health, at most once a second: load balancers and
// floods of health checks must not queue on the database pool.
struct DbProbe {
  static constexpr std::int64_t kNever = INT64_MIN / 2;
  std::atomic<std::int64_t> checked_ms{kNever};
  std::atomic<bool> ok{false};
  std::atomic<bool> running{false};
};

std::int64_t to_ms(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

enum class HealthState { no_db, ok, db_down, schema_behind };

// redis: the state of the one connection; it never makes health degraded
// (what needs Redis says so itself).
nlohmann::json health_json(const std::string& instance, std::int64_t up, HealthState state, redis::State redis) {
  nlohmann::json j{{"status", "ok"},
                   {"version", KEEL_VERSION},
                   {"instance", instance},
                   {"uptime_s", up},
                   {"redis", redis::to_string(redis)}};
  if (state == HealthState::no_db) return j;
  j["db"] = state == HealthState::db_down ? "down" : "ok";
  if (state == HealthState::schema_behind) j["schema"] = "not current";
  if (state != HealthState::ok) j["status"] = "degraded";
  return j;
}

}  // namespace

void register_health_routes(Router& router, AppContext& ctx) {
  RouteSpec health{.method = "GET",
                   .path = "/api/health",
                   .summary = "Liveness, database check and the Redis connection's state",
                   .tag = "health",
                   .operation_id = "health"};
  health.responses = {{200, "Serving", schemas::health()},
                      {503, "Degraded: the database is unreachable", schemas::health()}};
  health.memory_guard = false;  // a load balancer must see the process alive
  auto probe = std::make_shared<DbProbe>();
  router.add(health, [&ctx, probe](Request&) -> awaitable<Response> {
    const auto now = coarse_now();  // whole seconds, and a once-a-second probe
    auto up = std::chrono::duration_cast<std::chrono::seconds>(now - ctx.started).count();
    HealthState state = HealthState::no_db;
    if (ctx.db) {
      bool stale = to_ms(now) - probe->checked_ms.load() >= 1000;
      bool leader = stale && !probe->running.exchange(true);
      // Until a first answer exists nobody may report a guess: ping too.
      if (leader || (stale && probe->checked_ms.load() == DbProbe::kNever)) {
        bool ok = false;
        try {
          co_await ctx.db->ping();
          ok = true;
        } catch (const std::exception&) {}
        probe->ok = ok;
        probe->checked_ms = to_ms(coarse_now());  // after the ping
        if (leader) probe->running = false;
      }
      state = !probe->ok.load()           ? HealthState::db_down
              : ctx.schema_current.load() ? HealthState::ok
                                          : HealthState::schema_behind;
    }
    // The body changes at most once a second (uptime, the probe): each io
    // thread renders it once per change instead of once per request.
    const redis::State redis_state = ctx.redis ? ctx.redis->state() : redis::State::off;
    thread_local struct {
      std::int64_t up = -1;
      HealthState state{};
      redis::State redis{};
      std::string body;
    } cache;
    if (cache.up != up || cache.state != state || cache.redis != redis_state || cache.body.empty()) {
      cache.up = up;
      cache.state = state;
      cache.redis = redis_state;
      cache.body = health_json(ctx.instance, up, state, redis_state).dump();
    }
    int status = (state == HealthState::ok || state == HealthState::no_db) ? 200 : 503;
    co_return Response::text(status, cache.body, "application/json");
  });

  RouteSpec mem{.method = "GET",
                .path = "/api/health/memory",
                .summary = "Memory use, budget and bounds",
                .tag = "health",
                .operation_id = "health_memory"};
  mem.responses = {{200, "Memory figures", schemas::memory_health()}};
  mem.memory_guard = false;  // how to see why everything else answers 503
  router.add(mem, [&ctx](Request&) -> awaitable<Response> { co_return Response::json(200, memory_json(ctx)); });
}

}  // namespace keel
