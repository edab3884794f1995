#pragma once
// What a job is to the scheduler: its definition, the body it runs, and the
// status the admin routes show.
#include "services/jobs/schedule.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>

namespace keel::jobs {

struct Definition {
  std::chrono::seconds every{0};  // 0: off (the job is listed, never runs)
  std::chrono::seconds timeout{30};
  bool at_start = false;  // first tick right at start, not one interval later
};

// One run. The run is cancelled (Asio cancellation, terminal) when it passes
// its timeout or the shutdown grace is over; blocking work inside it cannot
// be interrupted that way, so it checks stop_requested() between pieces.
struct JobRun {
  std::string name;
  std::stop_token stop;
  bool stop_requested() const { return stop.stop_requested(); }
};

using Body = std::function<boost::asio::awaitable<void>(JobRun&)>;

enum class Outcome { none, ok, failed, timeout, skipped };
const char* outcome_name(Outcome o);  // "ok", ...; "" for none

struct Status {
  std::string name;
  bool enabled = false;
  bool paused = false;
  std::string every;  // "3m", "off"
  bool running = false;
  std::optional<std::chrono::system_clock::time_point> last_started_at;
  std::optional<std::chrono::system_clock::time_point> last_finished_at;
  std::optional<std::int64_t> last_duration_ms;
  Outcome last_outcome = Outcome::none;
  std::optional<std::string> last_error;
  std::optional<std::chrono::system_clock::time_point> next_run_at;
  std::uint64_t runs_total = 0;
  std::uint64_t failures_total = 0;  // failed and timed-out runs
  std::uint64_t skipped_total = 0;
  std::optional<std::string> holder;       // the lease's owner, when held
  std::optional<std::string> last_run_by;  // the instance that took the lease last (any instance)
};

}  // namespace keel::jobs
