#pragma once
// The job scheduler: each enabled job a coroutine on a steady timer (on one
// executor, app's main io_context); a tick takes the job's lease, then runs
// the job's body as a coroutine of its own, cancelled at its timeout or when
// the shutdown grace is over. A job never overlaps itself: a tick that comes
// while it runs is skipped and counted. Decisions are services/jobs/schedule.
//
//   jobs::Scheduler s(io.get_executor(), leases);
//   s.add("report", {.every = 6h, .timeout = 10min}, report_body);
//   s.set_owner("web-1:8000");
//   s.start();
//   ...
//   s.shutdown(grace, [] { /* nothing runs any more */ });
//
// status(), run_now(), pause() and resume() may be called from any thread.
#include "services/jobs/job.hpp"
#include "services/jobs/leases.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace keel::jobs {

enum class RunNow { started, unknown, disabled, running };

class Scheduler {
 public:
  using Random = std::function<double()>;  // a draw from [-1, 1] (the jitter)
  Scheduler(boost::asio::any_io_executor ex, LeaseStore& leases, Random random = {});
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Before start(): the lease owner (KEEL_INSTANCE), and the jobs. A job with
  // every == 0 is listed (enabled: false) and never runs.
  void set_owner(std::string owner) { owner_ = std::move(owner); }
  const std::string& owner() const { return owner_; }
  void add(std::string name, Definition def, Body body);
  void start();

  // Every job in the order added; holder is left empty.
  std::vector<Status> status() const;
  std::optional<Status> status(const std::string& name) const;
  // The same with holder filled from the leases (throws what the store throws).
  boost::asio::awaitable<std::vector<Status>> status_with_holders();
  boost::asio::awaitable<std::optional<Status>> status_with_holder(std::string name);

  // A run now, taking the lease like a tick (also while paused). running:
  // it runs here or the lease is held elsewhere.
  boost::asio::awaitable<RunNow> run_now(std::string name);
  std::optional<Status> pause(const std::string& name);  // nullopt: unknown job
  std::optional<Status> resume(const std::string& name);

  // Stops ticking; a running job has `grace` to finish, then is cancelled;
  // leases are released. done() is posted to the executor once nothing runs
  // (at the latest a few seconds after the grace, if a body ignores its stop).
  void shutdown(Clock::duration grace, std::function<void()> done);

 private:
  struct Job;
  struct RunState;
  Job* find(const std::string& name) const;
  Status snapshot(const Job& j) const;  // mu_ held
  boost::asio::awaitable<void> tick_loop(Job& j);
  boost::asio::awaitable<bool> take(Job& j, bool due_only);
  void begin(Job& j);  // the lease is ours: mark running, spawn the run
  boost::asio::awaitable<void> execute(Job& j);
  void finished_one();  // executor thread

  boost::asio::any_io_executor ex_;
  LeaseStore& leases_;
  Random random_;
  std::string owner_;
  std::vector<std::unique_ptr<Job>> jobs_;
  mutable std::mutex mu_;  // each job's status and due time
  std::atomic<bool> stopping_{false};
  std::atomic<int> active_{0};  // tick loops and runs not yet over
  // Executor thread only:
  std::optional<Clock::time_point> shutdown_deadline_;
  std::function<void()> done_;
  struct HardStop;
  std::unique_ptr<HardStop> hard_stop_;
};

}  // namespace keel::jobs
