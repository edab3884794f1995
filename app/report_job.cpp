#include "app/report_job.hpp"

#include "services/memory/trim.hpp"
#include "services/reports/job.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <string_view>

namespace keel {

namespace {
awaitable<void> run(AppContext& ctx, reports::JobOptions options, jobs::JobRun& job_run) {
  ctx.require_db();
  reports::Repository repo(*ctx.db);
  // A run allocates and frees on a blocking-pool thread (rendering, the
  // body's upload); its free pages go back whether it succeeded or not.
  std::exception_ptr failed;
  try {
    co_await reports::run_report(repo, ctx.blocking, options, job_run);
  } catch (...) {
    failed = std::current_exception();
  }
  try {  // never changes the run's outcome (a cancelled run may not await again)
    co_await run_blocking(ctx.blocking, [] { memory::trim_heap(); });
  } catch (...) {
  }
  if (failed) std::rethrow_exception(failed);
}

#ifdef KEEL_TEST_ROUTES
int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  if (!v || !*v) return fallback;
  int n = fallback;
  std::from_chars(v, v + std::string_view(v).size(), n);
  return n;
}
#endif
}  // namespace

jobs::Body report_job(AppContext& ctx) {
  reports::JobOptions options{.tmp_dir = ctx.storage.tmp_dir(), .keep = ctx.config.report_keep};
#ifdef KEEL_TEST_ROUTES
  if (const char* t = std::getenv("KEEL_ENABLE_TEST_ROUTES"); t && std::string_view(t) == "1") {
    options.page_rows = std::max(1, env_int("KEEL_TEST_REPORT_PAGE_ROWS", options.page_rows));
    options.page_pause = std::chrono::milliseconds(std::max(0, env_int("KEEL_TEST_REPORT_PAUSE_MS", 0)));
    options.max_packet = static_cast<std::uint64_t>(std::max(0, env_int("KEEL_TEST_REPORT_MAX_PACKET", 0)));
  }
#endif
  return [&ctx, options](jobs::JobRun& r) { return run(ctx, options, r); };
}

}  // namespace keel
