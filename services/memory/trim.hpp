#pragma once
// Hands the heap's free pages back to the system (glibc malloc_trim over
// every arena). Work that allocates a lot on a blocking-pool thread and
// frees it at the end (a PDF, a report) leaves those pages resident in that
// thread's arena otherwise. Costs a few milliseconds: call it once per such
// piece of work, on a blocking-pool thread, not per request.
#include <cstddef>

namespace keel::memory {

void trim_heap() noexcept;

// Trims when the scope ends, however it ends.
struct TrimWhenDone {
  TrimWhenDone() = default;
  TrimWhenDone(const TrimWhenDone&) = delete;
  TrimWhenDone& operator=(const TrimWhenDone&) = delete;
  ~TrimWhenDone() { trim_heap(); }
};

// Whether free heap memory is worth a trim: when malloc holds more than
// `slack` bytes free beyond what it held right after the last trim (what a
// trim cannot return — fragments smaller than a page — does not trigger
// one again and again).
constexpr bool worth_trimming(std::size_t free_now, std::size_t free_after_last_trim, std::size_t slack) {
  return free_now > free_after_last_trim + slack;
}

// Checked by the memory monitor about once a second: a burst of work that
// ended without a trim (the server trims when it goes quiet, at most once
// a second, so the last burst's memory can be missed) is given back here.
class HeapSlack {
 public:
  static constexpr std::size_t kSlack = 1 << 20;
  void check() noexcept;

 private:
  std::size_t free_after_last_trim_ = 0;
};

}  // namespace keel::memory
