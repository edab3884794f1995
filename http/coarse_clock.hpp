#pragma once
// The monotonic clock as of the kernel's last tick (CLOCK_MONOTONIC_COARSE):
// the same clock as std::chrono::steady_clock, at most a tick (1-10 ms)
// behind, and cheaper to read (no TSC read and scaling). For what needs no
// better: I/O deadlines, which a sweeper enforces every >= 10 ms anyway, and
// once-a-second caches. Durations that are reported (access log) keep the
// exact clock.
#include <chrono>
#include <ctime>

namespace keel {

inline std::chrono::steady_clock::time_point coarse_now() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return std::chrono::steady_clock::time_point(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::seconds(ts.tv_sec) +
                                                                      std::chrono::nanoseconds(ts.tv_nsec)));
}

}  // namespace keel
