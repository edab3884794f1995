#include "services/memory/monitor.hpp"

#include <spdlog/spdlog.h>

namespace keel::memory {

const char* to_string(State s) {
  switch (s) {
    case State::ok:
      return "ok";
    case State::warning:
      return "warning";
    case State::critical:
      return "critical";
  }
  return "ok";
}

State next_state(State current, double pct, double warn, double reject) {
  if (pct >= reject) return State::critical;
  if (current == State::critical) return pct < warn ? State::ok : State::critical;
  if (pct >= warn) return State::warning;
  return State::ok;
}

Monitor::Monitor(std::uint64_t limit, unsigned warn, unsigned reject) : sampler_(limit), warn_(warn), reject_(reject) {
  sample_now();
}

void Monitor::sample_now() {
  Reading r = sampler_.sample();
  State before = state_.load();
  State after = next_state(before, r.used_percent, warn_, reject_);
  {
    std::lock_guard lk(mu_);
    last_ = r;
  }
  state_.store(after);
  if (after != before) {
    // Logged once per crossing, not per request.
    auto lvl =
        after == State::ok ? spdlog::level::info : (after == State::warning ? spdlog::level::warn : spdlog::level::err);
    spdlog::log(lvl, "memory state {} -> {}: {:.1f}% of {} MiB ({})", to_string(before), to_string(after),
                r.used_percent, r.limit_bytes >> 20, to_string(r.source));
  }
}

Reading Monitor::last() const {
  std::lock_guard lk(mu_);
  return last_;
}

void Monitor::start(boost::asio::any_io_executor ex) {
  timer_ = std::make_unique<boost::asio::steady_timer>(ex);
  arm();
}

void Monitor::arm() {
  timer_->expires_after(std::chrono::milliseconds(250));
  timer_->async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    sample_now();
    if (++ticks_ % 4 == 0) heap_slack_.check();
    arm();
  });
}

void Monitor::stop() {
  if (timer_) timer_->cancel();
}

void Monitor::release() { timer_.reset(); }

}  // namespace keel::memory
