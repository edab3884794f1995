#include "services/jobs/schedule.hpp"

#include <algorithm>

namespace keel::jobs {

Clock::duration jitter_bound(std::chrono::seconds every) {
  const Clock::duration tenth = std::chrono::duration_cast<Clock::duration>(every) / 10;
  return std::min<Clock::duration>(tenth, std::chrono::seconds(60));
}

Clock::time_point next_due(Clock::time_point now, std::chrono::seconds every, double unit) {
  unit = std::clamp(unit, -1.0, 1.0);
  const auto bound = jitter_bound(every);
  const auto shift = std::chrono::duration_cast<Clock::duration>(bound * unit);
  return now + every + shift;
}

Clock::duration lease_next_due_in(std::chrono::seconds every) { return every - jitter_bound(every); }

TickAction decide_tick(const TickState& s) {
  if (!s.enabled || s.paused) return TickAction::idle;
  if (s.running) return TickAction::skip;
  return TickAction::run;
}

Clock::duration renew_every(Clock::duration timeout) { return timeout / 3; }

bool lease_granted_in_time(Clock::duration took, Clock::duration hold) { return took < renew_every(hold); }

RunClock start_run(Clock::time_point started, Clock::duration timeout) {
  return RunClock{started + timeout, started + renew_every(timeout), std::nullopt};
}

RunWake decide_run_wake(const RunClock& c, Clock::time_point now) {
  if (c.shutdown_deadline && now >= *c.shutdown_deadline) return RunWake::cancel_shutdown;
  if (now >= c.deadline) return RunWake::cancel_timeout;
  if (now >= c.next_renew) return RunWake::renew;
  return RunWake::wait;
}

Clock::time_point next_run_wake(const RunClock& c) {
  Clock::time_point t = std::min(c.deadline, c.next_renew);
  if (c.shutdown_deadline) t = std::min(t, *c.shutdown_deadline);
  return t;
}

}  // namespace keel::jobs
