#include "services/jobs/scheduler.hpp"

#include "services/jobs/interval.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <random>
#include <stop_token>

namespace keel::jobs {

namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {
constexpr auto kWaitAfterCancel = std::chrono::seconds(5);  // for a body that ignores its stop
constexpr auto kFar = std::chrono::hours(24 * 365);

std::string what_of(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    return x.what();
  } catch (...) {
    return "unknown error";
  }
}

std::chrono::system_clock::time_point wall(Clock::time_point t) {
  return std::chrono::system_clock::now() +
         std::chrono::duration_cast<std::chrono::system_clock::duration>(t - Clock::now());
}
}  // namespace

const char* outcome_name(Outcome o) {
  switch (o) {
    case Outcome::ok: return "ok";
    case Outcome::failed: return "failed";
    case Outcome::timeout: return "timeout";
    case Outcome::skipped: return "skipped";
    case Outcome::none: break;
  }
  return "";
}

struct Scheduler::Job {
  std::string name;
  Definition def;
  Body body;
  // Under mu_:
  Status st;
  Clock::time_point due{};
  // Executor thread only:
  asio::steady_timer* tick_timer = nullptr;
  std::shared_ptr<RunState> run;
};

// The run's side of its body: the body's completion wakes the runner.
struct Scheduler::RunState {
  explicit RunState(const asio::any_io_executor& ex) : wake(ex) {}
  asio::steady_timer wake;
  asio::cancellation_signal cancel;
  std::stop_source stop;
  bool finished = false;
  std::exception_ptr error;
};

struct Scheduler::HardStop {
  explicit HardStop(const asio::any_io_executor& ex) : timer(ex) {}
  asio::steady_timer timer;
};

Scheduler::Scheduler(asio::any_io_executor ex, LeaseStore& leases, Random random)
    : ex_(std::move(ex)), leases_(leases), random_(std::move(random)) {
  if (!random_) {
    auto gen = std::make_shared<std::mt19937_64>(std::random_device{}());
    random_ = [gen] { return std::uniform_real_distribution<double>(-1.0, 1.0)(*gen); };
  }
}

Scheduler::~Scheduler() = default;

void Scheduler::add(std::string name, Definition def, Body body) {
  auto j = std::make_unique<Job>();
  j->name = name;
  j->def = def;
  j->body = std::move(body);
  j->st.name = std::move(name);
  j->st.enabled = def.every.count() > 0;
  j->st.every = interval_string(def.every);
  jobs_.push_back(std::move(j));
}

void Scheduler::start() {
  for (auto& j : jobs_) {
    if (!j->st.enabled) continue;
    ++active_;
    asio::co_spawn(ex_, tick_loop(*j), asio::detached);
  }
}

Scheduler::Job* Scheduler::find(const std::string& name) const {
  for (auto& j : jobs_)
    if (j->name == name) return j.get();
  return nullptr;
}

Status Scheduler::snapshot(const Job& j) const {
  Status s = j.st;
  if (s.enabled && !s.paused && !stopping_.load() && j.due != Clock::time_point{}) s.next_run_at = wall(j.due);
  return s;
}

std::vector<Status> Scheduler::status() const {
  std::lock_guard lk(mu_);
  std::vector<Status> out;
  for (auto& j : jobs_) out.push_back(snapshot(*j));
  return out;
}

std::optional<Status> Scheduler::status(const std::string& name) const {
  Job* j = find(name);
  if (!j) return std::nullopt;
  std::lock_guard lk(mu_);
  return snapshot(*j);
}

asio::awaitable<std::vector<Status>> Scheduler::status_with_holders() {
  std::map<std::string, LeaseView> holders = co_await leases_.holders();
  std::vector<Status> out = status();
  for (auto& s : out)
    if (auto it = holders.find(s.name); it != holders.end()) {
      s.holder = it->second.holder;
      s.last_run_by = it->second.last_run_by;
    }
  co_return out;
}

asio::awaitable<std::optional<Status>> Scheduler::status_with_holder(std::string name) {
  if (!find(name)) co_return std::nullopt;
  std::map<std::string, LeaseView> holders = co_await leases_.holders();
  std::optional<Status> s = status(name);
  if (auto it = holders.find(name); s && it != holders.end()) {
    s->holder = it->second.holder;
    s->last_run_by = it->second.last_run_by;
  }
  co_return s;
}

std::optional<Status> Scheduler::pause(const std::string& name) {
  Job* j = find(name);
  if (!j) return std::nullopt;
  std::lock_guard lk(mu_);
  j->st.paused = true;
  return snapshot(*j);
}

std::optional<Status> Scheduler::resume(const std::string& name) {
  Job* j = find(name);
  if (!j) return std::nullopt;
  std::lock_guard lk(mu_);
  j->st.paused = false;
  return snapshot(*j);
}

asio::awaitable<bool> Scheduler::take(Job& j, bool due_only) {
  const auto hold = std::chrono::duration_cast<milliseconds>(j.def.timeout);
  const auto next_in = std::chrono::duration_cast<milliseconds>(lease_next_due_in(j.def.every));
  const Clock::time_point sent = Clock::now();
  if (!co_await leases_.take(j.name, owner_, hold, next_in, due_only)) co_return false;
  const auto took = Clock::now() - sent;
  if (lease_granted_in_time(took, j.def.timeout)) co_return true;
  spdlog::warn("job {}: the lease was granted {} ms after it was asked for (hold {} ms): this run is given up",
               j.name, std::chrono::duration_cast<milliseconds>(took).count(), hold.count());
  try {
    co_await leases_.release(j.name, owner_);  // only if still ours
  } catch (const std::exception&) {
  }
  co_return false;
}

asio::awaitable<RunNow> Scheduler::run_now(std::string name) {
  Job* j = find(name);
  if (!j) co_return RunNow::unknown;
  {
    std::lock_guard lk(mu_);
    if (!j->st.enabled) co_return RunNow::disabled;
    if (j->st.running) co_return RunNow::running;
  }
  if (stopping_.load()) co_return RunNow::running;
  const bool won = co_await take(*j, /*due_only=*/false);
  if (!won) co_return RunNow::running;
  begin(*j);
  co_return RunNow::started;
}

void Scheduler::begin(Job& j) {
  {
    std::lock_guard lk(mu_);
    j.st.running = true;
    j.st.last_started_at = std::chrono::system_clock::now();
  }
  ++active_;
  asio::co_spawn(ex_, execute(j), asio::detached);
}

asio::awaitable<void> Scheduler::tick_loop(Job& j) {
  asio::steady_timer timer(ex_);
  j.tick_timer = &timer;
  Clock::time_point due = j.def.at_start ? Clock::now() : next_due(Clock::now(), j.def.every, random_());
  {
    std::lock_guard lk(mu_);
    j.due = due;
  }
  bool db_failing = false;
  while (!stopping_.load()) {
    timer.expires_at(due);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (stopping_.load()) break;
    const Clock::time_point now = Clock::now();
    if (now < due) continue;
    due = next_due(now, j.def.every, random_());
    TickAction action;
    {
      std::lock_guard lk(mu_);
      j.due = due;
      action = decide_tick({j.st.enabled, j.st.paused, j.st.running});
      if (action == TickAction::skip) {
        ++j.st.skipped_total;
        j.st.last_outcome = Outcome::skipped;
      }
    }
    if (action == TickAction::skip) spdlog::info("job {}: still running at its tick, skipped", j.name);
    if (action != TickAction::run) continue;
    bool won = false;
    try {
      won = co_await take(j, /*due_only=*/true);
      if (db_failing) spdlog::info("job {}: leases reachable again", j.name);
      db_failing = false;
    } catch (const std::exception& e) {
      if (!db_failing) spdlog::warn("job {}: cannot take the lease, tick lost: {}", j.name, e.what());
      db_failing = true;
    }
    if (!won) continue;
    if (stopping_.load()) {
      try {
        co_await leases_.release(j.name, owner_);
      } catch (const std::exception&) {
      }
      break;
    }
    begin(j);
  }
  j.tick_timer = nullptr;
  finished_one();
}

asio::awaitable<void> Scheduler::execute(Job& j) {
  auto rs = std::make_shared<RunState>(ex_);
  j.run = rs;
  const Clock::time_point started = Clock::now();
  JobRun run{j.name, rs->stop.get_token()};
  spdlog::info("job {}: started", j.name);
  auto on_done = [rs](std::exception_ptr e) {
    rs->finished = true;
    rs->error = e;
    rs->wake.cancel();
  };
  try {
    asio::co_spawn(ex_, j.body(run), asio::bind_cancellation_slot(rs->cancel.slot(), std::move(on_done)));
  } catch (...) {
    rs->finished = true;
    rs->error = std::current_exception();
  }

  RunClock rc = start_run(started, j.def.timeout);
  Outcome cancelled_as = Outcome::none;
  std::string cancel_reason;
  while (!rs->finished) {
    rc.shutdown_deadline = shutdown_deadline_;
    rs->wake.expires_at(cancelled_as == Outcome::none ? next_run_wake(rc) : Clock::now() + kFar);
    co_await rs->wake.async_wait(asio::as_tuple(asio::use_awaitable));
    if (rs->finished || cancelled_as != Outcome::none) continue;
    rc.shutdown_deadline = shutdown_deadline_;
    const RunWake wake = decide_run_wake(rc, Clock::now());
    switch (wake) {
      case RunWake::wait:
        break;
      case RunWake::renew: {
        rc.next_renew += renew_every(j.def.timeout);
        const auto hold = std::chrono::duration_cast<milliseconds>(j.def.timeout);
        try {
          if (!co_await leases_.renew(j.name, owner_, hold))
            spdlog::warn("job {}: its lease is no longer ours", j.name);
        } catch (const std::exception& e) {
          spdlog::warn("job {}: cannot renew the lease: {}", j.name, e.what());
        }
        break;
      }
      case RunWake::cancel_timeout:
      case RunWake::cancel_shutdown: {
        const bool timeout = wake == RunWake::cancel_timeout;
        cancelled_as = timeout ? Outcome::timeout : Outcome::failed;
        cancel_reason = timeout ? "timed out after " + interval_string(j.def.timeout) : "cancelled at shutdown";
        spdlog::warn("job {}: {}: cancelling", j.name, cancel_reason);
        rs->stop.request_stop();
        rs->cancel.emit(asio::cancellation_type::terminal);
        break;
      }
    }
  }

  Outcome outcome = Outcome::ok;
  std::optional<std::string> error;
  if (cancelled_as != Outcome::none) {
    outcome = cancelled_as;
    error = cancel_reason;
  } else if (rs->error) {
    outcome = Outcome::failed;
    error = what_of(rs->error);
  }
  try {
    co_await leases_.release(j.name, owner_);
  } catch (const std::exception& e) {
    spdlog::warn("job {}: cannot release the lease (it expires by itself): {}", j.name, e.what());
  }
  const auto took = std::chrono::duration_cast<milliseconds>(Clock::now() - started);
  {
    std::lock_guard lk(mu_);
    j.st.running = false;
    j.st.last_finished_at = std::chrono::system_clock::now();
    j.st.last_duration_ms = took.count();
    j.st.last_outcome = outcome;
    j.st.last_error = error;
    ++j.st.runs_total;
    if (outcome != Outcome::ok) ++j.st.failures_total;
  }
  if (outcome == Outcome::ok)
    spdlog::info("job {}: ok in {} ms", j.name, took.count());
  else
    spdlog::warn("job {}: {} in {} ms: {}", j.name, outcome_name(outcome), took.count(), error.value_or(""));
  j.run.reset();
  finished_one();
}

void Scheduler::finished_one() {
  if (--active_ > 0 || !stopping_.load() || !done_) return;
  auto done = std::move(done_);
  done_ = nullptr;
  if (hard_stop_) hard_stop_->timer.cancel();
  asio::post(ex_, std::move(done));
}

void Scheduler::shutdown(Clock::duration grace, std::function<void()> done) {
  auto begin_stop = [this, grace, done = std::move(done)]() mutable {
    stopping_ = true;
    shutdown_deadline_ = Clock::now() + grace;
    done_ = std::move(done);
    for (auto& j : jobs_) {
      if (j->tick_timer) j->tick_timer->cancel();
      if (j->run) {
        spdlog::info("job {}: running; it has {} ms to finish", j->name,
                     std::chrono::duration_cast<milliseconds>(grace).count());
        j->run->wake.cancel();  // recompute its wake-up with the shutdown deadline
      }
    }
    hard_stop_ = std::make_unique<HardStop>(ex_);
    hard_stop_->timer.expires_after(grace + kWaitAfterCancel);
    hard_stop_->timer.async_wait([this](boost::system::error_code ec) {
      if (ec || !done_) return;
      spdlog::warn("jobs still running after the shutdown grace and their cancellation: not waiting");
      auto d = std::move(done_);
      done_ = nullptr;
      d();
    });
    // Nothing running: done now (finished_one() is the other way there).
    ++active_;
    finished_one();
  };
  asio::post(ex_, std::move(begin_stop));
}

}  // namespace keel::jobs
