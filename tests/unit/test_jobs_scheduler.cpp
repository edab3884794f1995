// services/jobs/scheduler on a real io_context with leases in memory: the
// outcomes of runs (ok, failed, timeout, cancelled at shutdown), run-now,
// pause, and two schedulers sharing one lease store never running a job at
// the same time.
#include "services/jobs/scheduler.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <map>
#include <mutex>
#include <stdexcept>

using namespace keel::jobs;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

// job_leases in memory, with the repository's rules (steady time for NOW(3)).
class MemoryLeases : public LeaseStore {
 public:
  struct Row {
    std::string owner;
    Clock::time_point until{}, next_due{};
  };
  asio::awaitable<bool> take(std::string name, std::string owner, std::chrono::milliseconds hold,
                             std::chrono::milliseconds next_in, bool due_only) override {
    {
      std::lock_guard lk(mu);
      const auto now = Clock::now();
      Row& r = rows[name];
      if (!r.owner.empty() && r.until > now) co_return false;
      if (due_only && r.next_due > now) co_return false;
      r = Row{owner, now + hold, now + next_in};
    }
    if (answer_delay > Clock::duration::zero()) co_await sleep_for_(answer_delay);  // committed, answered late
    co_return true;
  }
  asio::awaitable<bool> renew(std::string name, std::string owner, std::chrono::milliseconds hold) override {
    std::lock_guard lk(mu);
    Row& r = rows[name];
    if (r.owner != owner) co_return false;
    r.until = Clock::now() + hold;
    ++renewals;
    co_return true;
  }
  asio::awaitable<void> release(std::string name, std::string owner) override {
    std::lock_guard lk(mu);
    Row& r = rows[name];
    if (r.owner == owner) r.owner.clear();
    co_return;
  }
  asio::awaitable<std::map<std::string, LeaseView>> holders() override {
    std::lock_guard lk(mu);
    std::map<std::string, LeaseView> out;
    for (auto& [n, r] : rows)
      if (!r.owner.empty() && r.until > Clock::now()) out[n].holder = r.owner;
    co_return out;
  }
  std::mutex mu;
  std::map<std::string, Row> rows;
  int renewals = 0;
  Clock::duration answer_delay{};

 private:
  static asio::awaitable<void> sleep_for_(Clock::duration d) {
    asio::steady_timer t(co_await asio::this_coro::executor, d);
    co_await t.async_wait(asio::use_awaitable);
  }
};

asio::awaitable<void> sleep_for(Clock::duration d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::use_awaitable);
}

Body sleeping(Clock::duration d) {
  return [d](JobRun&) -> asio::awaitable<void> { co_await sleep_for(d); };
}

// Runs `test` on io, then shuts the schedulers down and waits for them.
void drive(asio::io_context& io, std::vector<Scheduler*> schedulers, std::function<asio::awaitable<void>()> test,
           Clock::duration grace = 0s) {
  bool done = false;
  auto main = [&]() -> asio::awaitable<void> {
    co_await test();
    auto left = std::make_shared<std::size_t>(schedulers.size());
    for (auto* s : schedulers)
      s->shutdown(grace, [&, left] {
        if (--*left == 0) {
          done = true;
          io.stop();
        }
      });
  };
  asio::co_spawn(io, main, [](std::exception_ptr e) {
    if (e) std::rethrow_exception(e);
  });
  io.run_for(30s);
  EXPECT_TRUE(done) << "the schedulers did not stop";
}

asio::awaitable<void> until_idle(Scheduler& s, const std::string& name) {
  for (int i = 0; i < 500 && s.status(name)->running; ++i) co_await sleep_for(10ms);
}

}  // namespace

TEST(JobScheduler, RunNowRunsOnceAndRefusesWhileRunning) {
  asio::io_context io;
  MemoryLeases leases;
  Scheduler s(io.get_executor(), leases);
  s.set_owner("a");
  s.add("job", {.every = 1h, .timeout = 10s}, sleeping(200ms));
  s.add("off", {}, sleeping(0ms));
  s.start();
  drive(io, {&s}, [&]() -> asio::awaitable<void> {
    EXPECT_EQ(co_await s.run_now("job"), RunNow::started);
    EXPECT_TRUE(s.status("job")->running);
    EXPECT_EQ(co_await s.run_now("job"), RunNow::running);
    EXPECT_EQ(co_await s.run_now("off"), RunNow::disabled);
    EXPECT_EQ(co_await s.run_now("nope"), RunNow::unknown);
    auto held = co_await s.status_with_holders();
    EXPECT_EQ(held[0].holder, std::optional<std::string>("a"));
    co_await until_idle(s, "job");
    Status st = *s.status("job");
    EXPECT_EQ(st.last_outcome, Outcome::ok);
    EXPECT_EQ(st.runs_total, 1u);
    EXPECT_EQ(st.failures_total, 0u);
    EXPECT_GE(*st.last_duration_ms, 190);
    EXPECT_FALSE(st.last_error);
    EXPECT_EQ(st.every, "1h");
    EXPECT_TRUE(st.next_run_at);
    auto after = co_await s.status_with_holders();
    EXPECT_FALSE(after[0].holder) << "the lease is released at the end of the run";
    EXPECT_FALSE(after[1].enabled);
    EXPECT_EQ(after[1].every, "off");
    EXPECT_FALSE(after[1].next_run_at);
  });
}

TEST(JobScheduler, AFailureIsOutcomeFailedWithItsError) {
  asio::io_context io;
  MemoryLeases leases;
  Scheduler s(io.get_executor(), leases);
  s.add("job", {.every = 1h, .timeout = 10s}, [](JobRun&) -> asio::awaitable<void> {
    co_await sleep_for(1ms);
    throw std::runtime_error("upstream said 500");
  });
  s.start();
  drive(io, {&s}, [&]() -> asio::awaitable<void> {
    EXPECT_EQ(co_await s.run_now("job"), RunNow::started);
    co_await until_idle(s, "job");
    Status st = *s.status("job");
    EXPECT_EQ(st.last_outcome, Outcome::failed);
    EXPECT_EQ(st.last_error, std::optional<std::string>("upstream said 500"));
    EXPECT_EQ(st.failures_total, 1u);
    EXPECT_EQ(st.runs_total, 1u);
  });
}

TEST(JobScheduler, ARunPastItsTimeoutIsCancelledAndRenewedMeanwhile) {
  asio::io_context io;
  MemoryLeases leases;
  Scheduler s(io.get_executor(), leases);
  bool stop_seen = false;
  s.add("job", {.every = 1h, .timeout = 1s}, [&](JobRun& run) -> asio::awaitable<void> {
    try {
      co_await sleep_for(20s);
    } catch (...) {
      stop_seen = run.stop_requested();
      throw;
    }
  });
  s.start();
  const auto t0 = Clock::now();
  drive(io, {&s}, [&]() -> asio::awaitable<void> {
    EXPECT_EQ(co_await s.run_now("job"), RunNow::started);
    co_await until_idle(s, "job");
  });
  Status st = *s.status("job");
  EXPECT_EQ(st.last_outcome, Outcome::timeout);
  EXPECT_EQ(st.last_error, std::optional<std::string>("timed out after 1s"));
  EXPECT_EQ(st.failures_total, 1u);
  EXPECT_TRUE(stop_seen) << "the stop flag is set before the cancellation lands";
  EXPECT_GE(*st.last_duration_ms, 990);
  EXPECT_LT(Clock::now() - t0, 5s);
  EXPECT_EQ(leases.renewals, 2) << "renewed at a third and two thirds of the timeout";
}

TEST(JobScheduler, ShutdownGivesTheGraceThenCancels) {
  asio::io_context io;
  MemoryLeases leases;
  Scheduler s(io.get_executor(), leases);
  s.set_owner("a");
  s.add("job", {.every = 1h, .timeout = 1h}, sleeping(20s));
  s.add("quick", {.every = 1h, .timeout = 1h}, sleeping(100ms));
  s.start();
  const auto t0 = Clock::now();
  drive(
      io, {&s},
      [&]() -> asio::awaitable<void> {
        EXPECT_EQ(co_await s.run_now("job"), RunNow::started);
        EXPECT_EQ(co_await s.run_now("quick"), RunNow::started);
      },
      300ms);
  const auto took = Clock::now() - t0;
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 3s);
  EXPECT_EQ(s.status("job")->last_outcome, Outcome::failed);
  EXPECT_EQ(s.status("job")->last_error, std::optional<std::string>("cancelled at shutdown"));
  EXPECT_EQ(s.status("quick")->last_outcome, Outcome::ok) << "a run that ends within the grace ends normally";
  EXPECT_TRUE(leases.rows["job"].owner.empty()) << "released on a graceful stop";
}

TEST(JobScheduler, PausedJobsDoNotTickButRunWhenAsked) {
  asio::io_context io;
  MemoryLeases leases;
  Scheduler s(io.get_executor(), leases);
  s.add("job", {.every = 1s, .timeout = 10s, .at_start = true}, sleeping(1ms));
  ASSERT_TRUE(s.pause("job")->paused);
  s.start();
  drive(io, {&s}, [&]() -> asio::awaitable<void> {
    co_await sleep_for(1500ms);
    EXPECT_EQ(s.status("job")->runs_total, 0u);
    EXPECT_FALSE(s.status("job")->next_run_at);
    EXPECT_EQ(co_await s.run_now("job"), RunNow::started);
    co_await until_idle(s, "job");
    EXPECT_EQ(s.status("job")->runs_total, 1u);
    EXPECT_FALSE(s.resume("job")->paused);
    // The manual run moved the lease's next_due an interval on: the tick
    // after that one runs.
    co_await sleep_for(2300ms);
    EXPECT_GE(s.status("job")->runs_total, 2u);
    EXPECT_EQ(s.pause("nope"), std::nullopt);
  });
}

TEST(JobScheduler, ATickWhileRunningIsSkippedAndCounted) {
  asio::io_context io;
  MemoryLeases leases;
  Scheduler s(io.get_executor(), leases, [] { return 0.0; });
  s.add("job", {.every = 1s, .timeout = 10s, .at_start = true}, sleeping(2500ms));
  s.start();
  drive(io, {&s}, [&]() -> asio::awaitable<void> {
    co_await sleep_for(2800ms);  // run 0..2.5 s; ticks at 1 s and 2 s come while it runs
    Status st = *s.status("job");
    EXPECT_EQ(st.runs_total, 1u);
    EXPECT_EQ(st.skipped_total, 2u);
  });
}

// A take whose answer comes after a third of the hold (a commit stalled while
// Galera evicts a node) is not used: the lease may have run out and gone to
// another instance meanwhile. It is released; a prompt one is used.
TEST(JobScheduler, ALeaseGrantedTooLateIsGivenUp) {
  asio::io_context io;
  MemoryLeases leases;
  Scheduler s(io.get_executor(), leases);
  s.set_owner("a");
  s.add("job", {.every = 1h, .timeout = 3s}, sleeping(1ms));
  s.start();
  drive(io, {&s}, [&]() -> asio::awaitable<void> {
    leases.answer_delay = 1200ms;  // more than a third of 3 s
    EXPECT_EQ(co_await s.run_now("job"), RunNow::running);
    EXPECT_EQ(s.status("job")->runs_total, 0u);
    EXPECT_TRUE(leases.rows["job"].owner.empty()) << "the late lease is released";
    leases.answer_delay = 300ms;
    EXPECT_EQ(co_await s.run_now("job"), RunNow::started);
    co_await until_idle(s, "job");
    EXPECT_EQ(s.status("job")->runs_total, 1u);
  });
}

TEST(JobScheduler, TwoInstancesOnOneLeaseNeverRunAtOnce) {
  asio::io_context io;
  MemoryLeases leases;
  Scheduler a(io.get_executor(), leases), b(io.get_executor(), leases);
  a.set_owner("a");
  b.set_owner("b");
  std::vector<std::pair<Clock::time_point, Clock::time_point>> runs;
  int inside = 0, max_inside = 0;
  auto body = [&](JobRun&) -> asio::awaitable<void> {
    max_inside = std::max(max_inside, ++inside);
    const auto start = Clock::now();
    co_await sleep_for(300ms);
    --inside;
    runs.emplace_back(start, Clock::now());
  };
  a.add("job", {.every = 1s, .timeout = 10s, .at_start = true}, body);
  b.add("job", {.every = 1s, .timeout = 10s, .at_start = true}, body);
  a.start();
  b.start();
  drive(io, {&a, &b}, [&]() -> asio::awaitable<void> { co_await sleep_for(3500ms); });
  EXPECT_EQ(max_inside, 1);
  // One run per interval across both: about 4 in 3.5 s, not 8.
  EXPECT_GE(runs.size(), 3u);
  EXPECT_LE(runs.size(), 5u);
  EXPECT_EQ(a.status("job")->runs_total + b.status("job")->runs_total, runs.size());
  EXPECT_EQ(a.status("job")->skipped_total + b.status("job")->skipped_total, 0u) << "a lost tick is not a skip";
}
