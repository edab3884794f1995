#pragma once
// Configuration: KEEL_* environment variables, overridden by CLI flags,
// parsed once at start. A bad value is one clear line and exit code 2.
#include <cstdint>
#include <map>
#include <stdexcept>
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
  // PDFs (routers/pdf.cpp): TrueType fonts embedded in every PDF, and how long
  // a PDF request waits for one of the pdf_concurrency rendering slots.
  std::string pdf_font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  std::string pdf_font_bold = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf";
  double pdf_wait_s = 30;
};

struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The command line after parsing: which command and the resulting config.
struct Invocation {
  std::string command = "serve";  // serve | migrate | help | version
  Config config;
};

// env: the environment as name -> value (tests pass their own). Throws
// ConfigError with a one-line message naming the variable or flag.
Invocation parse_invocation(const std::vector<std::string>& args, const std::map<std::string, std::string>& env);
std::map<std::string, std::string> environment_map();
std::string help_text();

}  // namespace keel
