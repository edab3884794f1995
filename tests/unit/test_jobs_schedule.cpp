// The scheduler's pure decisions (services/jobs/interval, schedule) with a
// fake clock: no sockets, no timers.
#include "services/jobs/interval.hpp"
#include "services/jobs/schedule.hpp"

#include <gtest/gtest.h>

#include <vector>

using namespace keel::jobs;
using namespace std::chrono_literals;
using std::chrono::seconds;

TEST(JobInterval, ParsesTheContractsSpellings) {
  struct Case {
    const char* text;
    std::optional<seconds> want;
  };
  const std::vector<Case> cases = {
      {"90s", 90s},        {"3m", 180s},         {"6h", 6h},           {"1d", 24h},          {"7d", 7 * 24h},
      {"1s", 1s},          {"3M", 180s},         {"6H", 6h},           {"OFF", 0s},          {"off", 0s},
      {"Off", 0s},         {"0s", std::nullopt}, {"8d", std::nullopt}, {"604801s", std::nullopt},
      {"", std::nullopt},  {"s", std::nullopt},  {"3", std::nullopt},  {"-3m", std::nullopt},
      {"+3m", std::nullopt}, {"3 m", std::nullopt}, {" 3m", std::nullopt}, {"3ms", std::nullopt},
      {"1.5h", std::nullopt}, {"3w", std::nullopt}, {"99999999999999999999s", std::nullopt},
      {"never", std::nullopt},
  };
  for (const auto& c : cases) EXPECT_EQ(parse_interval(c.text), c.want) << c.text;
}

TEST(JobInterval, TimeoutsRefuseOff) {
  EXPECT_EQ(parse_interval("off", false), std::nullopt);
  EXPECT_EQ(parse_interval("30s", false), 30s);
}

TEST(JobInterval, NormalisedStringUsesTheLargestUnitThatDivides) {
  struct Case {
    seconds in;
    const char* want;
  };
  const std::vector<Case> cases = {{0s, "off"},   {1s, "1s"},   {90s, "90s"}, {180s, "3m"}, {3600s, "1h"},
                                   {5400s, "90m"}, {6h, "6h"},  {24h, "1d"},  {36h, "36h"}, {7 * 24h, "7d"}};
  for (const auto& c : cases) EXPECT_EQ(interval_string(c.in), c.want) << c.in.count();
  // What parses comes back in its normalised spelling.
  EXPECT_EQ(interval_string(*parse_interval("180S")), "3m");
}

TEST(JobSchedule, JitterIsTenPercentCappedAtSixtySeconds) {
  EXPECT_EQ(jitter_bound(10s), 1s);
  EXPECT_EQ(jitter_bound(3min), 18s);
  EXPECT_EQ(jitter_bound(10min), 60s);
  EXPECT_EQ(jitter_bound(6h), 60s);
  const Clock::time_point t0{};
  for (seconds every : std::vector<seconds>{1s, 90s, 3min, 6h, 7 * 24h}) {
    for (double unit : {-1.0, -0.5, 0.0, 0.3, 1.0, -7.0, 7.0}) {
      const auto due = next_due(t0, every, unit);
      EXPECT_GE(due - t0, every - jitter_bound(every)) << every.count() << " " << unit;
      EXPECT_LE(due - t0, every + jitter_bound(every)) << every.count() << " " << unit;
    }
  }
  EXPECT_EQ(next_due(t0, 10min, -1.0) - t0, 9min);
  EXPECT_EQ(next_due(t0, 10min, 1.0) - t0, 11min);
}

TEST(JobSchedule, LeaseNextDueIsNeverAfterTheWinnersOwnNextTick) {
  for (seconds every : std::vector<seconds>{1s, 90s, 3min, 6h}) {
    EXPECT_LE(lease_next_due_in(every), next_due(Clock::time_point{}, every, -1.0) - Clock::time_point{});
    EXPECT_GT(lease_next_due_in(every), Clock::duration::zero());
  }
}

TEST(JobSchedule, ALeaseGrantedLateIsNotUsed) {
  struct Case {
    Clock::duration took, hold;
    bool used;
  } cases[] = {
      {0ms, 30s, true},     {9999ms, 30s, true}, {10s, 30s, false}, {31s, 30s, false},
      {1999ms, 6s, true},   {2s, 6s, false},     {0ms, 1s, true},   {334ms, 1s, false},
  };
  for (const auto& c : cases)
    EXPECT_EQ(lease_granted_in_time(c.took, c.hold), c.used)
        << std::chrono::duration_cast<std::chrono::milliseconds>(c.took).count() << " ms of "
        << std::chrono::duration_cast<std::chrono::milliseconds>(c.hold).count() << " ms";
}

TEST(JobSchedule, TickDecisions) {
  struct Case {
    TickState s;
    TickAction want;
  };
  const std::vector<Case> cases = {
      {{true, false, false}, TickAction::run},   {{true, false, true}, TickAction::skip},
      {{true, true, false}, TickAction::idle},   {{true, true, true}, TickAction::idle},
      {{false, false, false}, TickAction::idle},
  };
  for (const auto& c : cases)
    EXPECT_EQ(decide_tick(c.s), c.want) << c.s.enabled << c.s.paused << c.s.running;
}

namespace {
// Drives ticks and runs the way the scheduler does, on a fake clock: a tick
// at `due` starts a run of `run_for` unless one runs (skip); the next due is
// computed from when the tick was handled (late ticks coalesce).
struct Sim {
  seconds every;
  Clock::duration run_for;
  Clock::time_point now{};
  Clock::time_point due{};
  std::optional<Clock::time_point> running_until;
  std::vector<std::pair<Clock::time_point, Clock::time_point>> runs;
  int skipped = 0;

  void tick_at(Clock::time_point t) {
    now = t;
    if (running_until && *running_until <= now) running_until.reset();
    due = next_due(now, every, 0.0);
    switch (decide_tick({true, false, running_until.has_value()})) {
      case TickAction::skip:
        ++skipped;
        break;
      case TickAction::run:
        running_until = now + run_for;
        runs.emplace_back(now, *running_until);
        break;
      case TickAction::idle:
        break;
    }
  }
};
}  // namespace

TEST(JobSchedule, ARunLongerThanTheIntervalIsNeverOverlappedItsTicksAreSkipped) {
  Sim sim{.every = 10s, .run_for = 25s};
  sim.due = Clock::time_point{} + 10s;
  for (int i = 0; i < 10; ++i) sim.tick_at(sim.due);
  // Ticks at 10 (run until 35), 20, 30 (skipped), 40 (run until 65), 50, 60, 70 (run) ...
  for (std::size_t i = 1; i < sim.runs.size(); ++i) EXPECT_GE(sim.runs[i].first, sim.runs[i - 1].second);
  EXPECT_EQ(sim.runs.size(), 4u);
  EXPECT_EQ(sim.skipped, 6);
}

TEST(JobSchedule, MissedTicksCoalesceIntoOneRun) {
  Sim sim{.every = 10s, .run_for = 1s};
  // The process was suspended from 10 s to 95 s: the timer fires once, late.
  sim.tick_at(Clock::time_point{} + 95s);
  EXPECT_EQ(sim.runs.size(), 1u);
  EXPECT_EQ(sim.due, Clock::time_point{} + 105s);  // one interval after the late tick, not a catch-up burst
  sim.tick_at(sim.due);
  EXPECT_EQ(sim.runs.size(), 2u);
  EXPECT_EQ(sim.skipped, 0);
}

TEST(JobSchedule, RunClockRenewsEveryThirdThenTimesOut) {
  const Clock::time_point t0{};
  RunClock c = start_run(t0, 30s);
  EXPECT_EQ(renew_every(30s), 10s);
  // The runner's loop: wake at next_run_wake, act, move next_renew on.
  std::vector<std::pair<seconds, RunWake>> seen;
  for (int i = 0; i < 5; ++i) {
    const auto at = next_run_wake(c);
    const RunWake w = decide_run_wake(c, at);
    seen.emplace_back(std::chrono::duration_cast<seconds>(at - t0), w);
    if (w == RunWake::renew) c.next_renew += renew_every(30s);
    if (w == RunWake::cancel_timeout) break;
  }
  const std::vector<std::pair<seconds, RunWake>> want = {
      {10s, RunWake::renew}, {20s, RunWake::renew}, {30s, RunWake::cancel_timeout}};
  EXPECT_EQ(seen, want);
  EXPECT_EQ(decide_run_wake(start_run(t0, 30s), t0 + 5s), RunWake::wait);
}

TEST(JobSchedule, ShutdownGraceCancelsBeforeTheTimeout) {
  const Clock::time_point t0{};
  RunClock c = start_run(t0, 10min);
  c.shutdown_deadline = t0 + 30s;
  EXPECT_EQ(next_run_wake(c), t0 + 30s);
  EXPECT_EQ(decide_run_wake(c, t0 + 29s), RunWake::wait);
  EXPECT_EQ(decide_run_wake(c, t0 + 30s), RunWake::cancel_shutdown);
  // A grace longer than what is left of the timeout: the timeout still wins.
  RunClock d = start_run(t0, 10s);
  d.shutdown_deadline = t0 + 30s;
  EXPECT_EQ(next_run_wake(d), t0 + renew_every(10s));
  EXPECT_EQ(decide_run_wake(d, t0 + 10s), RunWake::cancel_timeout);
}
