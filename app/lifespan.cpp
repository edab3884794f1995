#include "app/lifespan.hpp"

#include "app/api_key_refresh.hpp"
#include "app/core.hpp"
#include "app/jobs.hpp"
#include "app/schema_check.hpp"
#include "http/server.hpp"
#include "services/context.hpp"
#include "services/db/connection.hpp"
#include "services/db/url.hpp"
#include "services/memory/startup_code.hpp"
#include "services/redis/url.hpp"

#include <malloc.h>
#include <spdlog/spdlog.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <sys/resource.h>
#include <unistd.h>
#include <cstdio>
#include <thread>

namespace keel {

void tune_malloc() {
  // Few arenas: each thread arena keeps its own free memory, which is RSS
  // that nobody uses. Trim freed memory back to the OS sooner.
  ::mallopt(M_ARENA_MAX, 2);
  ::mallopt(M_TRIM_THRESHOLD, 256 * 1024);
  ::mallopt(M_MMAP_THRESHOLD, 256 * 1024);
}

namespace {
std::optional<db::DbUrl> db_url_or_complain(const Config& cfg) {
  auto url = db::parse_db_url(cfg.db_url);
  if (!url) std::fprintf(stderr, "keel: KEEL_DB_URL: expected a URL like mysql://user:pass@host:port/db\n");
  return url;
}
std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}
}  // namespace

int run_migrate(const Config& cfg) {
  auto url = db_url_or_complain(cfg);
  if (!url) return 2;
  db::init_driver();
  db::SchemaStatus st = db::check_schema(*url, /*apply=*/true);
  switch (st.kind) {
    case db::SchemaStatus::current:
      if (st.names.empty())
        spdlog::info("migrate: nothing to apply, schema current ({})", db::redacted(*url));
      else
        spdlog::info("migrate: applied {} ({})", join(st.names), db::redacted(*url));
      return 0;
    case db::SchemaStatus::unreachable:
      spdlog::error("migrate: database unreachable ({}): {}", db::redacted(*url), st.message);
      return 1;
    default:
      spdlog::error("migrate: {}", st.message);
      return 1;
  }
}

namespace {
// Every connection is a descriptor, and so is every file being sent: make
// sure KEEL_MAX_CONNECTIONS can be reached before the descriptor limit.
void raise_fd_limit(const Config& cfg) {
  rlimit r{};
  if (::getrlimit(RLIMIT_NOFILE, &r) != 0) return;
  rlim_t want = static_cast<rlim_t>(cfg.max_connections) * 2 + 256;
  if (r.rlim_cur >= want) return;
  r.rlim_cur = std::min(want, r.rlim_max);
  ::setrlimit(RLIMIT_NOFILE, &r);
  if (r.rlim_cur < want)
    spdlog::warn("descriptor limit {} is low for KEEL_MAX_CONNECTIONS={}", r.rlim_cur, cfg.max_connections);
}

// The job lease owner when KEEL_INSTANCE is unset: host:port, with the
// machine's name for a wildcard address (every instance would be 0.0.0.0).
std::string default_instance(const std::string& host, unsigned port) {
  std::string name = host;
  if (host == "0.0.0.0" || host == "::" || host == "[::]") {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) == 0 && buf[0]) name = buf;
  }
  return name + ":" + std::to_string(port);
}
}  // namespace

int run_server(const Config& cfg) {
  tune_malloc();
  raise_fd_limit(cfg);
  auto url = db_url_or_complain(cfg);
  if (!url) return 2;
  db::init_driver();  // not thread-safe on first call: before any thread starts

  // Schema first: refuse to serve an old schema unless told to migrate.
  db::SchemaStatus st = db::check_schema(*url, cfg.auto_migrate);
  if (st.kind == db::SchemaStatus::pending) {
    std::fprintf(
        stderr, "keel: the database has %zu pending migration(s) (%s): run `keel migrate` or set KEEL_AUTO_MIGRATE=1\n",
        st.names.size(), join(st.names).c_str());
    return 2;
  }
  if (st.kind == db::SchemaStatus::failed) {
    std::fprintf(stderr, "keel: database schema check failed: %s\n", st.message.c_str());
    return 2;
  }

  // ctx before io: io's destructor destroys coroutine frames that still
  // reference ctx (after a grace period ran out), so ctx must outlive it.
  AppContext ctx(cfg);
  IoPool ios(cfg.threads);
  boost::asio::io_context& io = ios.main();
  ctx.io_executor = io.get_executor();
  if (auto redis_url = redis::parse_redis_url(cfg.redis_url))  // checked by the config
    ctx.redis = std::make_unique<redis::Client>(io.get_executor(), *redis_url);
  db::PoolConfig pc;
  pc.url = *url;
  pc.pool_size = cfg.db_pool_size;
  pc.max_overflow = cfg.db_max_overflow;
  pc.timeout = std::chrono::milliseconds(static_cast<std::int64_t>(cfg.db_pool_timeout_s * 1000));
  pc.recycle = std::chrono::seconds(cfg.db_pool_recycle_s);
  pc.alive_bypass = std::chrono::milliseconds(cfg.db_pool_alive_bypass_ms);
  ctx.db = std::make_unique<db::Pool>(pc, ctx.blocking);
  ctx.bookings = std::make_unique<bookings::Repository>(*ctx.db);
  ctx.catalogue = std::make_unique<catalogue::Repository>(*ctx.db);
  ctx.uploads = std::make_unique<uploads::Repository>(*ctx.db);
  ctx.idempotency = std::make_unique<idempotency::Repository>(*ctx.db);
  ctx.api_key_rows = std::make_unique<api_keys::Repository>(*ctx.db);
  ctx.job_leases = std::make_unique<jobs::LeaseRepository>(*ctx.db);
  ctx.jobs = std::make_unique<jobs::Scheduler>(io.get_executor(), *ctx.job_leases);
  try {
    register_jobs(ctx);
  } catch (const std::exception& e) {
    spdlog::critical("cannot set up the jobs: {}", e.what());
    return 2;
  }
  try {
    std::size_t swept = ctx.storage.prepare(60);
    if (swept > 0) spdlog::info("removed {} stale temp file(s) from {}", swept, ctx.storage.tmp_dir());
    std::size_t stale_syncs = ctx.datasets.prepare();
    if (stale_syncs > 0) spdlog::info("removed {} unfinished dataset sync(s) from {}", stale_syncs, ctx.datasets.root());
  } catch (const std::exception& e) {
    spdlog::critical("cannot prepare the data folder {}: {}", cfg.data_dir, e.what());
    return 1;
  }
  if (st.kind == db::SchemaStatus::current) {
    ctx.schema_current = true;
    if (!st.names.empty()) spdlog::info("applied migrations: {}", join(st.names));
  } else {
    spdlog::warn("database unreachable ({}): starting degraded, retrying every 2 s: {}", db::redacted(*url),
                 st.message);
    watch_schema(ctx, *url);
  }
  App app(ctx);
  ServerOptions server_options{.host = cfg.host,
                               .port = cfg.port,
                               .header_timeout_s = cfg.header_timeout_s,
                               .idle_timeout_s = cfg.idle_timeout_s,
                               .shutdown_grace_s = cfg.shutdown_grace_s,
                               .max_connections = cfg.max_connections};
  Server server(server_options, ios, [&app](Request& req) { return app.handle(req); });
  ctx.server_stats = [&server] { return server.stats(); };

  unsigned port = 0;
  try {
    port = server.start();
  } catch (const std::exception& e) {
    spdlog::critical("cannot listen on {}:{}: {}", cfg.host, cfg.port, e.what());
    return 1;
  }
  ctx.memory.start(io.get_executor());
  watch_api_keys(ctx);
  ctx.instance = cfg.instance.empty() ? default_instance(cfg.host, port) : cfg.instance;
  ctx.jobs->set_owner(ctx.instance);
  ctx.jobs->start();
  spdlog::info("keel {} listening on http://{}:{}", KEEL_VERSION, cfg.host, port);
  // What start-up built and dropped (schema check, route metadata, the
  // OpenAPI document's tree) goes back to the system before serving, and so
  // does the code only start-up ran (services/memory/startup_code.hpp).
  ::malloc_trim(0);
  memory::release_startup_code();

  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  std::function<void(boost::system::error_code, int)> on_signal;
  bool stopping = false;
  on_signal = [&](boost::system::error_code ec, int sig) {
    if (ec) return;
    if (stopping) {
      spdlog::warn("second signal {}: stopping now", sig);
      ios.stop();
      return;
    }
    stopping = true;
    ctx.stopping = true;
    spdlog::info("signal {}: stopping; in-flight requests and jobs have {}s to finish", sig, cfg.shutdown_grace_s);
    // The server and the jobs share one grace window; stop once both are done.
    auto both_done = std::make_shared<int>(2);
    auto one_done = [&, both_done] {
      boost::asio::post(io, [&, both_done] {
        if (--*both_done > 0) return;
        ctx.memory.stop();
        if (ctx.redis) ctx.redis->stop();
        signals.cancel();
        ios.stop();
      });
    };
    server.shutdown(one_done);
    ctx.jobs->shutdown(std::chrono::duration_cast<jobs::Clock::duration>(
                           std::chrono::duration<double>(cfg.shutdown_grace_s)),
                       one_done);
    signals.async_wait(on_signal);
  };
  signals.async_wait(on_signal);

  ios.run();
  ctx.jobs.reset();  // its timers before the io contexts they belong to
  ctx.memory.release();
  ctx.redis.reset();  // its socket and timers belong to io: closed before io goes
  ctx.blocking.join();
  ctx.db->close_all();
  spdlog::info("keel stopped");
  return 0;
}

}  // namespace keel
