#pragma once
// The scheduler's decisions as pure functions over clock readings and state,
// so tests drive them with a fake clock (services/jobs/scheduler.cpp only
// reads the clock and acts on what these return).
#include <chrono>
#include <optional>

namespace keel::jobs {

using Clock = std::chrono::steady_clock;

// Jitter: +- 10 % of the interval, capped at +- 60 s.
Clock::duration jitter_bound(std::chrono::seconds every);

// When the next tick comes: `every` after now, moved by unit * jitter_bound
// (unit is a random draw from [-1, 1], injected). Computed from now, not from
// the tick that was due: ticks missed while the process was busy or
// suspended coalesce into the one that fires late.
Clock::time_point next_due(Clock::time_point now, std::chrono::seconds every, double unit);

// How far the lease row's next_due moves when a tick takes it: the interval
// less the jitter, so the winner's own next tick, however jittered, finds the
// row due, while other instances' ticks within the interval lose.
Clock::duration lease_next_due_in(std::chrono::seconds every);

// Whether a lease take that answered `took` after it was sent may still be
// used: the lease began no earlier than the take was sent, so at least
// hold - took of it is left, and the run's first renewal comes a third of the
// hold in. A take answered later than that (its commit stalled for seconds,
// as while Galera evicts a dead node) may hold a lease that has already run
// out and gone to another instance: the tick is given up instead.
bool lease_granted_in_time(Clock::duration took, Clock::duration hold);

struct TickState {
  bool enabled = true;
  bool paused = false;
  bool running = false;  // in this process
};

enum class TickAction {
  run,    // take the lease (a tick lost to another instance is neither a run nor a skip)
  skip,   // the job runs here: count it in skipped_total
  idle,   // disabled or paused: nothing happens
};

TickAction decide_tick(const TickState& s);

// While a run lasts: its deadline (started + timeout), lease renewals every
// third of the timeout, and the shutdown deadline once a stop began.
struct RunClock {
  Clock::time_point deadline;
  Clock::time_point next_renew;
  std::optional<Clock::time_point> shutdown_deadline;
};

RunClock start_run(Clock::time_point started, Clock::duration timeout);
Clock::duration renew_every(Clock::duration timeout);

enum class RunWake {
  wait,             // nothing due yet
  renew,            // renew the lease, then next_renew moves on
  cancel_timeout,   // the run is past its timeout: outcome `timeout`
  cancel_shutdown,  // the shutdown grace is over: cancel the run
};

RunWake decide_run_wake(const RunClock& c, Clock::time_point now);
// When the runner wakes next (the earliest of the three).
Clock::time_point next_run_wake(const RunClock& c);

}  // namespace keel::jobs
