#include "app/config.hpp"

#include "http/text/ascii.hpp"
#include "services/catalogue/zone.hpp"
#include "services/datafeed/csv_to_jsonl.hpp"
#include "services/datafeed/store.hpp"
#include "services/jobs/interval.hpp"
#include "services/redis/url.hpp"

#include <charconv>
#include <cmath>
#include <functional>
#include <sstream>
#include <thread>

extern char** environ;

namespace keel {
namespace {

struct Option {
  const char* env;
  const char* flag;
  const char* help;
  std::function<void(Config&, const std::string&, const std::string&)> apply;  // (cfg, value, name)
  const char* default_text;
};

[[noreturn]] void bad(const std::string& name, const std::string& value, const std::string& expected) {
  throw ConfigError(name + ": expected " + expected + ", got '" + value + "'");
}

std::uint64_t parse_uint(const std::string& v, const std::string& name, std::uint64_t lo, std::uint64_t hi) {
  std::uint64_t out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (v.empty() || ec != std::errc() || p != v.data() + v.size() || out < lo || out > hi)
    bad(name, v, "an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
  return out;
}

double parse_seconds(const std::string& v, const std::string& name, double lo, double hi) {
  double out = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (v.empty() || ec != std::errc() || p != v.data() + v.size() || !std::isfinite(out) || out < lo || out > hi) {
    std::ostringstream e;
    e << "a number of seconds from " << lo << " to " << hi;
    bad(name, v, e.str());
  }
  return out;
}

bool parse_bool(const std::string& v, const std::string& name) {
  if (v == "1" || v == "true" || v == "yes" || v == "on") return true;
  if (v == "0" || v == "false" || v == "no" || v == "off") return false;
  bad(name, v, "0 or 1");
}

// KEEL_JOB_<NAME>_EVERY ("off" allowed) and _TIMEOUT: 90s, 3m, 6h, 1d.
std::uint32_t parse_job_interval(const std::string& v, const std::string& name, bool allow_off) {
  auto d = jobs::parse_interval(v, allow_off);
  if (!d) bad(name, v, std::string("an interval from 1s to 7d like 90s, 3m, 6h, 1d") + (allow_off ? " or off" : ""));
  return static_cast<std::uint32_t>(d->count());
}

std::string nonempty(const std::string& v, const std::string& name) {
  if (v.empty()) bad(name, v, "a non-empty value");
  return v;
}

std::vector<std::string> comma_list(const std::string& v) {
  std::vector<std::string> out;
  std::string cur;
  std::istringstream in(v);
  while (std::getline(in, cur, ',')) {
    const std::string_view item = text::trim(cur);
    if (!item.empty()) out.emplace_back(item);
  }
  return out;
}

const std::vector<Option>& options() {
  static const std::vector<Option> opts = {
      {"KEEL_HOST", "--host", "listen address", [](Config& c, auto& v, auto& n) { c.host = nonempty(v, n); },
       "127.0.0.1"},
      {"KEEL_PORT", "--port", "listen port (0: any free port, logged at start)",
       [](Config& c, auto& v, auto& n) { c.port = static_cast<unsigned>(parse_uint(v, n, 0, 65535)); }, "8000"},
      {"KEEL_THREADS", "--threads", "io threads",
       [](Config& c, auto& v, auto& n) { c.threads = static_cast<unsigned>(parse_uint(v, n, 1, 256)); },
       "number of cores"},
      {"KEEL_DATA_DIR", "--data-dir", "uploads in uploads/, temp files in tmp/",
       [](Config& c, auto& v, auto& n) { c.data_dir = nonempty(v, n); }, "./var"},
      {"KEEL_STATIC_DIR", "--static-dir", "files served under /static/",
       [](Config& c, auto& v, auto& n) { c.static_dir = nonempty(v, n); }, "./static"},
      {"KEEL_DB_URL", "--db-url", "MariaDB/MySQL URL",
       [](Config& c, auto& v, auto& n) {
         if (v.rfind("mysql://", 0) != 0) bad(n, v, "a URL like mysql://user:pass@host:port/db");
         c.db_url = v;
       },
       "mysql://keel:keel@127.0.0.1:3307/keel"},
      {"KEEL_DB_POOL_SIZE", "--db-pool-size", "connections kept open",
       [](Config& c, auto& v, auto& n) { c.db_pool_size = static_cast<unsigned>(parse_uint(v, n, 1, 64)); }, "2"},
      {"KEEL_DB_MAX_OVERFLOW", "--db-max-overflow", "extra connections opened on demand",
       [](Config& c, auto& v, auto& n) { c.db_max_overflow = static_cast<unsigned>(parse_uint(v, n, 0, 64)); }, "2"},
      {"KEEL_DB_POOL_TIMEOUT_S", "--db-pool-timeout-s", "seconds to wait for a connection, then 503",
       [](Config& c, auto& v, auto& n) { c.db_pool_timeout_s = parse_seconds(v, n, 0.01, 3600); }, "30"},
      {"KEEL_DB_POOL_RECYCLE_S", "--db-pool-recycle-s", "reopen connections older than this",
       [](Config& c, auto& v, auto& n) { c.db_pool_recycle_s = static_cast<unsigned>(parse_uint(v, n, 1, 1u << 30)); },
       "3600"},
      {"KEEL_DB_POOL_ALIVE_BYPASS_MS", "--db-pool-alive-bypass-ms",
       "no pre-ping for a connection used this recently (0: ping at every checkout)",
       [](Config& c, auto& v, auto& n) { c.db_pool_alive_bypass_ms = static_cast<unsigned>(parse_uint(v, n, 0, 60000)); },
       "500"},
      {"KEEL_ADMIN_API_KEY", "--admin-api-key", "admin key (none: admin routes answer 503)",
       [](Config& c, auto& v, auto&) { c.admin_api_key = v; }, "(none)"},
      {"KEEL_MAX_BODY_MB", "--max-body-mb", "cap of buffered (JSON) bodies, MiB",
       [](Config& c, auto& v, auto& n) { c.max_body_bytes = parse_uint(v, n, 1, 1024) << 20; }, "15"},
      {"KEEL_MAX_UPLOAD_MB", "--max-upload-mb", "cap of streamed uploads, MiB",
       [](Config& c, auto& v, auto& n) { c.max_upload_bytes = parse_uint(v, n, 1, 1u << 20) << 20; }, "512"},
      {"KEEL_UPLOAD_CHUNK_KB", "--upload-chunk-kb", "upload read chunk, KiB (1024-2048)",
       [](Config& c, auto& v, auto& n) { c.upload_chunk_bytes = parse_uint(v, n, 1024, 2048) << 10; }, "1024"},
      {"KEEL_MEMORY_LIMIT_MB", "--memory-limit-mb", "memory budget, MiB (0: cgroup limit, else system RAM)",
       [](Config& c, auto& v, auto& n) { c.memory_limit_bytes = parse_uint(v, n, 0, 1u << 24) << 20; }, "0"},
      {"KEEL_MEMORY_WARN_PERCENT", "--memory-warn-percent", "warning threshold, % of the budget",
       [](Config& c, auto& v, auto& n) { c.memory_warn_percent = static_cast<unsigned>(parse_uint(v, n, 1, 100)); },
       "85"},
      {"KEEL_MEMORY_REJECT_PERCENT", "--memory-reject-percent", "reject threshold, % of the budget",
       [](Config& c, auto& v, auto& n) { c.memory_reject_percent = static_cast<unsigned>(parse_uint(v, n, 1, 100)); },
       "90"},
      {"KEEL_LOG_LEVEL", "--log-level", "trace, debug, info, warn, error, critical, off",
       [](Config& c, auto& v, auto& n) {
         static const char* levels[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
         for (auto* l : levels)
           if (v == l) {
             c.log_level = v;
             return;
           }
         bad(n, v, "one of trace, debug, info, warn, error, critical, off");
       },
       "info"},
      {"KEEL_LOG_FORMAT", "--log-format", "text or json",
       [](Config& c, auto& v, auto& n) {
         if (v != "text" && v != "json") bad(n, v, "text or json");
         c.log_format = v;
       },
       "text"},
      {"KEEL_HEADER_TIMEOUT_S", "--header-timeout-s", "time to receive a whole request header",
       [](Config& c, auto& v, auto& n) { c.header_timeout_s = parse_seconds(v, n, 0.05, 3600); }, "10"},
      {"KEEL_IDLE_TIMEOUT_S", "--idle-timeout-s", "keep-alive idle time; also the body inactivity limit",
       [](Config& c, auto& v, auto& n) { c.idle_timeout_s = parse_seconds(v, n, 0.05, 86400); }, "60"},
      {"KEEL_SHUTDOWN_GRACE_S", "--shutdown-grace-s", "how long in-flight requests may finish after SIGTERM",
       [](Config& c, auto& v, auto& n) { c.shutdown_grace_s = parse_seconds(v, n, 0, 3600); }, "30"},
      {"KEEL_CORS_ORIGINS", "--cors-origins", "comma-separated allowed origins",
       [](Config& c, auto& v, auto&) { c.cors_origins = comma_list(v); },
       "(none)"},
      {"KEEL_MAX_CONNECTIONS", "--max-connections", "open connections at most",
       [](Config& c, auto& v, auto& n) { c.max_connections = static_cast<unsigned>(parse_uint(v, n, 1, 1u << 20)); },
       "1024"},
      {"KEEL_MAX_UPLOADS", "--max-uploads", "concurrent streamed uploads at most",
       [](Config& c, auto& v, auto& n) { c.max_uploads = static_cast<unsigned>(parse_uint(v, n, 1, 4096)); }, "16"},
      {"KEEL_PDF_CONCURRENCY", "--pdf-concurrency", "concurrent PDF renderings at most",
       [](Config& c, auto& v, auto& n) { c.pdf_concurrency = static_cast<unsigned>(parse_uint(v, n, 1, 64)); }, "2"},
      {"KEEL_AUTO_MIGRATE", "--auto-migrate", "apply pending migrations at start (0/1)",
       [](Config& c, auto& v, auto& n) { c.auto_migrate = parse_bool(v, n); }, "0"},
      {"KEEL_DOCS", "--docs", "serve /openapi.json, /docs and /redoc (0/1)",
       [](Config& c, auto& v, auto& n) { c.docs = parse_bool(v, n); }, "1"},
      {"KEEL_DOCS_ASSETS_DIR", "--docs-assets-dir", "folder with the Swagger UI and ReDoc assets",
       [](Config& c, auto& v, auto& n) { c.docs_assets_dir = nonempty(v, n); }, "(auto)"},
      {"KEEL_PDF_FONT", "--pdf-font", "TrueType font for PDF text (UTF-8 names need one)",
       [](Config& c, auto& v, auto& n) { c.pdf_font = nonempty(v, n); },
       "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"},
      {"KEEL_PDF_FONT_BOLD", "--pdf-font-bold", "TrueType font for bold PDF text",
       [](Config& c, auto& v, auto& n) { c.pdf_font_bold = nonempty(v, n); },
       "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"},
      {"KEEL_PDF_WAIT_S", "--pdf-wait-s", "how long a PDF request waits for a rendering slot, then 503",
       [](Config& c, auto& v, auto& n) { c.pdf_wait_s = parse_seconds(v, n, 0, 3600); }, "30"},
      {"KEEL_DATA_DEFAULT_DATASET", "--data-default-dataset", "dataset that /fetch-data reads without dataset=",
       [](Config& c, auto& v, auto& n) { c.data_default_dataset = nonempty(v, n); }, "default"},
      {"KEEL_DATA_API_KEYS", "--data-api-keys", "comma-separated API keys for the data feed (more in api_keys)",
       [](Config& c, auto& v, auto&) { c.data_api_keys = comma_list(v); }, "(none)"},
      {"KEEL_DATA_RATE_PER_MIN", "--data-rate-per-min", "per-key request budget (token bucket, per instance)",
       [](Config& c, auto& v, auto& n) { c.data_rate_per_min = static_cast<unsigned>(parse_uint(v, n, 1, 1000000)); },
       "600"},
      {"KEEL_CSV_MAX_FIELD_KB", "--csv-max-field-kb", "longest CSV field, KiB; longer makes the row bad",
       [](Config& c, auto& v, auto& n) { c.csv_max_field_bytes = parse_uint(v, n, 1, 65536) << 10; }, "1024"},
      {"KEEL_MAX_SYNCS", "--max-syncs", "concurrent dataset syncs in this process",
       [](Config& c, auto& v, auto& n) { c.max_syncs = static_cast<unsigned>(parse_uint(v, n, 1, 64)); }, "1"},
      {"KEEL_MIN_FREE_DISK_MB", "--min-free-disk-mb", "free space a sync leaves on KEEL_DATA_DIR, MiB",
       [](Config& c, auto& v, auto& n) { c.min_free_disk_bytes = parse_uint(v, n, 0, 1u << 30) << 20; }, "512"},
      {"KEEL_DATA_MAX_PAGES", "--data-max-pages", "data pages in memory at once (others wait up to 10 s, then 503)",
       [](Config& c, auto& v, auto& n) { c.data_max_pages = static_cast<unsigned>(parse_uint(v, n, 1, 4096)); }, "64"},
      {"KEEL_MAX_SYNC_MB", "--max-sync-mb", "cap of a CSV sent for a sync, MiB",
       [](Config& c, auto& v, auto& n) { c.max_sync_bytes = parse_uint(v, n, 1, 1u << 24) << 20; }, "10240"},
      // Jobs
      {"KEEL_INSTANCE", "--instance", "this keel's name as a job lease owner",
       [](Config& c, auto& v, auto& n) { c.instance = nonempty(v, n); }, "host:port"},
      {"KEEL_MARKET_URL", "--market-url", "market indices upstream (JSON); unset: the market job is off",
       [](Config& c, auto& v, auto&) { c.market_url = v; }, "(none)"},
      {"KEEL_DATA_SOURCE_URL", "--data-source-url", "partner CSV pulled by data-sync; unset: data-sync is off",
       [](Config& c, auto& v, auto&) { c.data_source_url = v; }, "(none)"},
      {"KEEL_JOB_MARKET_EVERY", "--job-market-every", "market job interval (90s, 3m, 6h, 1d or off)",
       [](Config& c, auto& v, auto& n) { c.job_market.every_s = parse_job_interval(v, n, true); },
       "3m (off without KEEL_MARKET_URL)"},
      {"KEEL_JOB_MARKET_TIMEOUT", "--job-market-timeout", "market job run timeout",
       [](Config& c, auto& v, auto& n) { c.job_market.timeout_s = parse_job_interval(v, n, false); }, "30s"},
      {"KEEL_JOB_MARKET_AT_START", "--job-market-at-start", "run the market job at start (0/1)",
       [](Config& c, auto& v, auto& n) { c.job_market.at_start = parse_bool(v, n); }, "1"},
      {"KEEL_JOB_REPORT_EVERY", "--job-report-every", "report job interval (90s, 3m, 6h, 1d or off)",
       [](Config& c, auto& v, auto& n) { c.job_report.every_s = parse_job_interval(v, n, true); }, "6h"},
      {"KEEL_JOB_REPORT_TIMEOUT", "--job-report-timeout", "report job run timeout",
       [](Config& c, auto& v, auto& n) { c.job_report.timeout_s = parse_job_interval(v, n, false); }, "10m"},
      {"KEEL_JOB_REPORT_AT_START", "--job-report-at-start", "run the report job at start (0/1)",
       [](Config& c, auto& v, auto& n) { c.job_report.at_start = parse_bool(v, n); }, "0"},
      {"KEEL_JOB_DATA_SYNC_EVERY", "--job-data-sync-every", "data-sync job interval (90s, 3m, 6h, 1d or off)",
       [](Config& c, auto& v, auto& n) { c.job_data_sync.every_s = parse_job_interval(v, n, true); },
       "1h (off without KEEL_DATA_SOURCE_URL)"},
      {"KEEL_JOB_DATA_SYNC_TIMEOUT", "--job-data-sync-timeout", "data-sync job run timeout",
       [](Config& c, auto& v, auto& n) { c.job_data_sync.timeout_s = parse_job_interval(v, n, false); }, "1h"},
      {"KEEL_JOB_DATA_SYNC_AT_START", "--job-data-sync-at-start", "run the data-sync job at start (0/1)",
       [](Config& c, auto& v, auto& n) { c.job_data_sync.at_start = parse_bool(v, n); }, "0"},
      // Redis
      {"KEEL_REDIS_URL", "--redis-url", "Redis URL, redis://[[user]:password@]host[:port][/db] (no TLS)",
       [](Config& c, auto& v, auto& n) {
         // Not echoed: the value may hold a password.
         if (!redis::parse_redis_url(v))
           throw ConfigError(n + ": expected a URL like redis://[[user]:password@]host[:port][/db]");
         c.redis_url = v;
       },
       "redis://127.0.0.1:6380/0"},
      // HTTP client
      {"KEEL_HTTP_CA_FILE", "--http-ca-file", "PEM file of CAs the outbound client trusts besides the system store",
       [](Config& c, auto& v, auto& n) { c.http_ca_file = nonempty(v, n); }, "(none)"},
      // Bookings
      {"KEEL_BUSINESS_TZ", "--business-tz", "IANA time zone of the services' opening hours (Europe/Berlin)",
       [](Config& c, auto& v, auto& n) {
         if (!catalogue::Zone::find(v)) bad(n, v, "an IANA time zone name like Europe/Berlin");
         c.business_tz = v;
       },
       "UTC"},
      {"KEEL_BOOKING_HORIZON_DAYS", "--booking-horizon-days", "how many days ahead a booking may start",
       [](Config& c, auto& v, auto& n) {
         c.booking_horizon_days = static_cast<unsigned>(parse_uint(v, n, 1, 3650));
       },
       "90"},
      // Reports
      {"KEEL_REPORT_KEEP", "--report-keep", "how many of the newest reports the report job keeps",
       [](Config& c, auto& v, auto& n) { c.report_keep = static_cast<unsigned>(parse_uint(v, n, 1, 1000000)); }, "30"},
      // Idempotency
      {"KEEL_IDEMPOTENCY_TTL_H", "--idempotency-ttl-h",
       "hours an Idempotency-Key's answer is replayed, from the first answer (1-720)",
       [](Config& c, auto& v, auto& n) { c.idempotency_ttl_h = static_cast<unsigned>(parse_uint(v, n, 1, 720)); },
       "24"},
      // Market
      {"KEEL_MARKET_TTL_S", "--market-ttl-s", "seconds the market snapshot lives in Redis",
       [](Config& c, auto& v, auto& n) { c.market_ttl_s = static_cast<std::uint32_t>(parse_uint(v, n, 1, 604800)); },
       "3600"},
      // Data sync
      {"KEEL_DATA_SOURCE_DATASET", "--data-source-dataset", "dataset that data-sync pulls KEEL_DATA_SOURCE_URL into",
       [](Config& c, auto& v, auto& n) {
         if (!datafeed::valid_dataset_name(v)) bad(n, v, "a dataset name ([a-z0-9][a-z0-9_-]{0,63})");
         c.data_source_dataset = v;
       },
       "default"},
      {"KEEL_DATA_SOURCE_DELIMITER", "--data-source-delimiter", "field delimiter of the pulled CSV (, ; | tab)",
       [](Config& c, auto& v, auto& n) {
         const auto d = datafeed::parse_delimiter(v);
         if (!d) bad(n, v, "one of , ; | tab");
         c.data_source_delimiter = *d;
       },
       ","},
      {"KEEL_DATA_SOURCE_ENCODING", "--data-source-encoding", "encoding of the pulled CSV",
       [](Config& c, auto& v, auto& n) {
         if (!datafeed::parse_encoding(v)) bad(n, v, "one of utf-8, windows-1252, latin-1");
         c.data_source_encoding = v;
       },
       "utf-8"},
  };
  return opts;
}

void check(Config& c) {
  if (c.memory_warn_percent > c.memory_reject_percent)
    throw ConfigError("KEEL_MEMORY_WARN_PERCENT: must not exceed KEEL_MEMORY_REJECT_PERCENT");
  // A job with nothing to fetch is off, whatever its interval says.
  if (c.market_url.empty()) c.job_market.every_s = 0;
  if (c.data_source_url.empty()) c.job_data_sync.every_s = 0;
}

// The flags of `keel sync-csv` itself (the sync's options, not configuration).
bool is_sync_flag(const std::string& name) {
  return name == "--delimiter" || name == "--encoding" || name == "--max-bad-rows";
}

}  // namespace

std::map<std::string, std::string> environment_map() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string s(*e);
    auto eq = s.find('=');
    if (eq != std::string::npos && s.rfind("KEEL_", 0) == 0) env[s.substr(0, eq)] = s.substr(eq + 1);
  }
  return env;
}

Invocation parse_invocation(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
  Invocation inv;
  for (const auto& o : options())
    if (auto it = env.find(o.env); it != env.end()) o.apply(inv.config, it->second, o.env);
  bool command_seen = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") return Invocation{"help", inv.config};
    if (a == "--version" || a == "-V") return Invocation{"version", inv.config};
    if (a.rfind("--", 0) == 0) {
      std::string name = a, value;
      auto eq = a.find('=');
      bool has_value = false;
      if (eq != std::string::npos) {
        name = a.substr(0, eq);
        value = a.substr(eq + 1);
        has_value = true;
      }
      const Option* opt = nullptr;
      for (const auto& o : options())
        if (name == o.flag) opt = &o;
      const bool command_flag = inv.command == "sync-csv" && is_sync_flag(name);
      if (!opt && !command_flag) throw ConfigError(name + ": unknown option (see keel --help)");
      if (!has_value) {
        if (i + 1 >= args.size()) throw ConfigError(name + ": needs a value");
        value = args[++i];
      }
      if (command_flag)
        inv.command_options[name] = value;
      else
        opt->apply(inv.config, value, name);
      continue;
    }
    if (command_seen) {
      if (inv.command != "sync-csv") throw ConfigError(a + ": unexpected argument (see keel --help)");
      inv.args.push_back(a);
      continue;
    }
    if (a != "serve" && a != "migrate" && a != "sync-csv")
      throw ConfigError(a + ": unknown command (serve, migrate, sync-csv)");
    inv.command = a;
    command_seen = true;
  }
  if (inv.command == "sync-csv" && inv.args.size() != 2)
    throw ConfigError("sync-csv: expected NAME and FILE (or - for stdin)");
  if (inv.config.threads == 0) inv.config.threads = std::max(1u, std::thread::hardware_concurrency());
  check(inv.config);
  return inv;
}

std::string help_text() {
  std::ostringstream out;
  out << "keel " << KEEL_VERSION << " - a bookings web backend with flat, small memory\n\n"
      << "usage: keel [serve|migrate] [options]\n"
      << "       keel sync-csv NAME FILE|- [--delimiter D] [--encoding E] [--max-bad-rows N] [options]\n"
      << "  serve      serve HTTP (the default)\n"
      << "  migrate    apply pending database migrations and exit\n"
      << "  sync-csv   convert a CSV into a new generation of dataset NAME (also while a server runs);\n"
      << "             prints the sync report as JSON, exit 1 when the sync fails\n"
      << "  --help     this text\n"
      << "  --version  print the version\n\n"
      << "Options (each also an environment variable; a flag overrides the variable):\n";
  for (const auto& o : options()) {
    out << "  " << o.flag << " / " << o.env << "\n      " << o.help << " [default: " << o.default_text << "]\n";
  }
  return out.str();
}

}  // namespace keel
