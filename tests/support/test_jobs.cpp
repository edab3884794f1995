// The test-only jobs (app/test_routes.hpp), compiled with the test routes:
//   test-sleep  every KEEL_JOB_TEST_SLEEP_EVERY (default 1h), timeout
//               KEEL_JOB_TEST_SLEEP_TIMEOUT (30s), at start
//               KEEL_JOB_TEST_SLEEP_AT_START (0). A run sleeps
//               KEEL_TEST_JOB_SLEEP_MS on a timer (cancellable), or on the
//               blocking pool checking its stop flag when
//               KEEL_TEST_JOB_BLOCKING=1; KEEL_TEST_JOB_FAIL=1 makes it throw;
//               KEEL_TEST_JOB_LOG=FILE gets "start <unix ms>" and
//               "end <unix ms>" lines.
//   test-off    always off (to check a disabled job).
#include "app/test_routes.hpp"
#include "services/jobs/interval.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <thread>

namespace keel {

namespace {
std::string env(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

std::chrono::seconds interval_env(const char* name, const char* fallback, bool allow_off) {
  auto d = jobs::parse_interval(env(name, fallback), allow_off);
  if (!d) throw std::runtime_error(std::string(name) + ": not an interval");
  return *d;
}

void log_line(const std::string& file, const char* what) {
  if (file.empty()) return;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  if (std::FILE* f = std::fopen(file.c_str(), "a")) {
    std::fprintf(f, "%s %lld\n", what, static_cast<long long>(ms));
    std::fclose(f);
  }
}
}  // namespace

void register_test_jobs(AppContext& ctx) {
  jobs::Definition def{.every = interval_env("KEEL_JOB_TEST_SLEEP_EVERY", "1h", true),
                       .timeout = interval_env("KEEL_JOB_TEST_SLEEP_TIMEOUT", "30s", false),
                       .at_start = env("KEEL_JOB_TEST_SLEEP_AT_START", "0") == "1"};
  unsigned sleep_ms = 0;
  const std::string ms = env("KEEL_TEST_JOB_SLEEP_MS", "0");
  std::from_chars(ms.data(), ms.data() + ms.size(), sleep_ms);
  const bool blocking = env("KEEL_TEST_JOB_BLOCKING", "0") == "1";
  const bool fail = env("KEEL_TEST_JOB_FAIL", "0") == "1";
  const std::string log = env("KEEL_TEST_JOB_LOG", "");
  auto body = [&ctx, sleep_ms, blocking, fail, log](jobs::JobRun& run) -> awaitable<void> {
    log_line(log, "start");
    if (blocking) {
      // Blocking work that stops when asked, between pieces.
      auto work = [&run, sleep_ms] {
        const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(sleep_ms);
        while (std::chrono::steady_clock::now() < until && !run.stop_requested())
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
      };
      co_await run_blocking(ctx.blocking, std::move(work));
      if (run.stop_requested()) throw std::runtime_error("stopped");
    } else {
      boost::asio::steady_timer t(co_await boost::asio::this_coro::executor, std::chrono::milliseconds(sleep_ms));
      co_await t.async_wait(boost::asio::use_awaitable);
    }
    if (fail) throw std::runtime_error("deliberate failure for tests");
    log_line(log, "end");
  };
  ctx.jobs->add("test-sleep", def, body);
  auto nothing = [](jobs::JobRun&) -> awaitable<void> { co_return; };
  ctx.jobs->add("test-off", jobs::Definition{}, nothing);
}

}  // namespace keel
