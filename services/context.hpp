#pragma once
// What routers and middleware share: configuration, the blocking pool,
// counters, memory monitor, and (when configured) the database pool.
// app/lifespan.cpp builds it; nothing here includes Beast.
#include "http/blocking.hpp"
#include "http/http.hpp"
#include "http/server.hpp"
#include "services/api_keys/rate_limiter.hpp"
#include "services/api_keys/registry.hpp"
#include "services/api_keys/repository.hpp"
#include "services/bookings/repository.hpp"
#include "services/catalogue/repository.hpp"
#include "services/catalogue/zone.hpp"
#include "services/config.hpp"
#include "services/datafeed/store.hpp"
#include "services/db/pool.hpp"
#include "services/idempotency/repository.hpp"
#include "services/jobs/lease_repository.hpp"
#include "services/jobs/scheduler.hpp"
#include "services/limits/async_semaphore.hpp"
#include "services/limits/concurrency_limit.hpp"
#include "services/market/last_seen.hpp"
#include "services/memory/monitor.hpp"
#include "services/redis/client.hpp"
#include "services/storage/storage.hpp"
#include "services/uploads/repository.hpp"

#include <boost/asio/any_io_executor.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>

namespace keel {

struct AppContext {
  // This keel's name (KEEL_INSTANCE, else host:port): in /api/health, the
  // access log and job leases. Set once the port is known, before serving.
  std::string instance;

  explicit AppContext(Config c)
      : config(std::move(c)),
        blocking(blocking_threads(config)),
        memory(config.memory_limit_bytes, config.memory_warn_percent, config.memory_reject_percent),
        storage(config.data_dir),
        upload_slots(config.max_uploads),
        pdf_slots(config.pdf_concurrency),
        datasets(config.data_dir),
        sync_slots(config.max_syncs),
        page_slots(config.data_max_pages),
        page_permits(page_slots) {}

  static catalogue::Zone zone_of(const Config& c) {
    if (auto z = catalogue::Zone::find(c.business_tz)) return *z;
    return *catalogue::Zone::find("UTC");
  }
  static std::size_t blocking_threads(const Config& c) {
    // Enough for every database connection, every PDF rendering, and file
    // work (fsync, writes) besides: each of those bounds is configured.
    // Syncs too: each feeds its converter there.
    return c.db_pool_size + c.db_max_overflow + c.pdf_concurrency + c.max_syncs + 2;
  }

  Config config;
  // KEEL_BUSINESS_TZ (validated when the configuration was read).
  catalogue::Zone business_zone = zone_of(config);
  BlockingPool blocking;
  ErrorCounters errors;
  memory::Monitor memory;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::function<ServerStats()> server_stats;  // set once the server exists

  // The database: the pool exists from the start; the schema is "current"
  // once every embedded migration is applied (checked at start, and again
  // in the background while the database is unreachable).
  std::unique_ptr<db::Pool> db;
  std::unique_ptr<bookings::Repository> bookings;
  std::unique_ptr<catalogue::Repository> catalogue;  // the services bookings name
  std::unique_ptr<uploads::Repository> uploads;
  std::unique_ptr<idempotency::Repository> idempotency;  // Idempotency-Key rows (routers/idempotency)
  storage::Storage storage;
  ConcurrencyLimit upload_slots;  // KEEL_MAX_UPLOADS streamed uploads at once
  ConcurrencyLimit pdf_slots;     // KEEL_PDF_CONCURRENCY renderings at once
  datafeed::DatasetStore datasets;  // data_dir/datasets
  ConcurrencyLimit sync_slots;      // KEEL_MAX_SYNCS dataset syncs at once
  ConcurrencyLimit page_slots;      // KEEL_DATA_MAX_PAGES data pages in memory at once
  AsyncSemaphore page_permits;      // ... taken through this (waiters queue)
  // Report downloads hold a 128 KiB chunk of the body until it is sent: a few at once.
  static constexpr std::size_t kReportDownloads = 4;
  ConcurrencyLimit report_slots{kReportDownloads};
  AsyncSemaphore report_permits{report_slots};
  // Data API keys: the table's rows, the in-memory registry every data
  // request is checked against (refreshed by app/api_key_refresh), and this
  // instance's per-key token buckets.
  std::unique_ptr<api_keys::Repository> api_key_rows;
  api_keys::Registry api_keys{config.data_api_keys, config.data_rate_per_min};
  api_keys::RateLimiter rate_limits;
  // Scheduled jobs: app/jobs.cpp registers them; lifespan starts them and
  // stops them with the server (one grace window).
  std::unique_ptr<jobs::LeaseRepository> job_leases;
  std::unique_ptr<jobs::Scheduler> jobs;
  std::atomic<bool> schema_current{false};
  std::atomic<bool> stopping{false};
  boost::asio::any_io_executor io_executor;  // set by lifespan
  // The one Redis connection (KEEL_REDIS_URL), set by lifespan: its state
  // is "off" until a job or route first sends a command.
  std::unique_ptr<redis::Client> redis;
  // Market: the newest market snapshot this process fetched or read (served
  // as stale while Redis cannot give one).
  market::LastSeen market_seen;

  // For routes that need the database: 503 until the schema is current.
  void require_db() const;
};

}  // namespace keel
