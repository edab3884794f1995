#pragma once
// The settings every layer above http/ reads: plain values with the defaults
// that work on a laptop. app/config.cpp fills them from KEEL_* variables and
// CLI flags (and is the only place that parses them).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace keel {

struct Config {
  std::string host = "127.0.0.1";
  unsigned port = 8000;
  unsigned threads = 0;  // 0: number of cores
  std::string data_dir = "./var";
  std::string static_dir = "./static";
  std::string db_url = "mysql://keel:keel@127.0.0.1:3307/keel";
  unsigned db_pool_size = 2;
  unsigned db_max_overflow = 2;
  double db_pool_timeout_s = 30;
  unsigned db_pool_recycle_s = 3600;
  unsigned db_pool_alive_bypass_ms = 500;
  std::string admin_api_key;  // empty: admin routes answer 503
  std::uint64_t max_body_bytes = 15ull << 20;
  std::uint64_t max_upload_bytes = 512ull << 20;
  std::size_t upload_chunk_bytes = 1024ull << 10;
  std::uint64_t memory_limit_bytes = 0;  // 0: auto
  unsigned memory_warn_percent = 85;
  unsigned memory_reject_percent = 90;
  std::string log_level = "info";
  std::string log_format = "text";
  double header_timeout_s = 10;
  double idle_timeout_s = 60;
  double shutdown_grace_s = 30;
  std::vector<std::string> cors_origins;
  unsigned max_connections = 1024;
  unsigned max_uploads = 16;
  unsigned pdf_concurrency = 2;
  bool auto_migrate = false;
  bool docs = true;
  std::string docs_assets_dir;  // empty: <source>/docs/assets or next to the binary
  // PDFs (services/pdf/booking_documents): TrueType fonts embedded in every
  // PDF, and how long a PDF request waits for one of the pdf_concurrency
  // rendering slots.
  std::string pdf_font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  std::string pdf_font_bold = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
  double pdf_wait_s = 30;
  // The data feed (services/datafeed, routers/datasets): datasets under
  // data_dir/datasets/, read with an API key.
  std::string data_default_dataset = "default";
  std::vector<std::string> data_api_keys;  // KEEL_DATA_API_KEYS; more keys in the api_keys table
  unsigned data_rate_per_min = 600;        // per-key token bucket, per instance
  std::size_t csv_max_field_bytes = 1024ull << 10;
  unsigned max_syncs = 1;  // concurrent syncs in this process
  std::uint64_t min_free_disk_bytes = 512ull << 20;
  std::uint64_t max_sync_bytes = 10240ull << 20;  // a CSV sent for a sync, as received
  unsigned data_max_pages = 64;                   // data pages built or being sent at once (64 KiB + zlib each)
  // Jobs (services/jobs): per job its interval (0: off), per-run timeout and
  // whether it runs right at start; the lease owner's name (empty: host:port
  // of this keel once it listens). market and data-sync are off while their
  // URL is unset (app/config.cpp applies that after reading the variables).
  struct JobConfig {
    std::uint32_t every_s = 0;
    std::uint32_t timeout_s = 30;
    bool at_start = false;
  };
  std::string instance;
  std::string market_url;       // KEEL_MARKET_URL
  std::string data_source_url;  // KEEL_DATA_SOURCE_URL
  JobConfig job_market{180, 30, true};
  JobConfig job_report{21600, 600, false};
  JobConfig job_data_sync{3600, 3600, false};
  // Redis (services/redis): one connection, opened when something first needs it.
  std::string redis_url = "redis://127.0.0.1:6380/0";
  // HTTP client (http/client/fetch, used by the jobs): a PEM file of CAs it
  // trusts besides the system store (an upstream behind a private CA; tests).
  std::string http_ca_file;  // empty: the system store only
  // Reports (services/reports): how many of the newest the report job keeps.
  unsigned report_keep = 30;
  // Idempotency-Key retries (services/idempotency): hours a stored answer
  // is replayed, counted from the first answer.
  unsigned idempotency_ttl_h = 24;  // KEEL_IDEMPOTENCY_TTL_H, 1..720
  // Market (services/market): how long the snapshot lives in Redis.
  std::uint32_t market_ttl_s = 3600;  // KEEL_MARKET_TTL_S
  // Data sync (services/datafeed/pull, the data-sync job): the dataset the
  // partner CSV at data_source_url goes to, and how that CSV is written
  // (validated like `keel sync-csv`'s --delimiter and --encoding).
  std::string data_source_dataset = "default";
  char data_source_delimiter = ',';
  std::string data_source_encoding = "utf-8";
  // Bookings (services/catalogue): the zone opening hours are in (an IANA
  // name tzdata knows), and how far ahead a booking may start.
  std::string business_tz = "UTC";  // KEEL_BUSINESS_TZ
  unsigned booking_horizon_days = 90;  // KEEL_BOOKING_HORIZON_DAYS, 1..3650
};

}  // namespace keel
