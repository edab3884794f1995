#pragma once
// Memory state for protection and /api/health/memory: sampled on a timer
// (every 250 ms, not per request) into a snapshot that requests read.
#include "services/memory/stats.hpp"
#include "services/memory/trim.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

namespace keel::memory {

enum class State { ok, warning, critical };
const char* to_string(State s);

// Hysteresis: enter warning at warn%, critical at reject%; leave critical
// only below the warning line.
State next_state(State current, double used_percent, double warn_percent, double reject_percent);

class Monitor {
 public:
  Monitor(std::uint64_t configured_limit_bytes, unsigned warn_percent, unsigned reject_percent);
  void start(boost::asio::any_io_executor ex);
  void stop();
  // Destroys the timer: call once the io threads are joined, before the
  // io_context goes away.
  void release();
  void sample_now();

  Reading last() const;
  State state() const { return state_.load(std::memory_order_relaxed); }
  unsigned warn_percent() const { return warn_; }
  unsigned reject_percent() const { return reject_; }
  std::uint64_t rejected_total() const { return rejected_.load(); }
  void count_rejection() { rejected_++; }

 private:
  void arm();
  Sampler sampler_;
  unsigned warn_, reject_;
  mutable std::mutex mu_;
  Reading last_{};
  std::atomic<State> state_{State::ok};
  std::atomic<std::uint64_t> rejected_{0};
  std::unique_ptr<boost::asio::steady_timer> timer_;
  HeapSlack heap_slack_;  // checked every 4th sample
  unsigned ticks_ = 0;
};

}  // namespace keel::memory
