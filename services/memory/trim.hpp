#pragma once
// Hands the heap's free pages back to the system (glibc malloc_trim over
// every arena). Work that allocates a lot on a blocking-pool thread and
// frees it at the end (a PDF, a report) leaves those pages resident in that
// thread's arena otherwise. Costs a few milliseconds: call it once per such
// piece of work, on a blocking-pool thread, not per request.
#include <malloc.h>

namespace keel::memory {

inline void trim_heap() noexcept { ::malloc_trim(0); }

// Trims when the scope ends, however it ends.
struct TrimWhenDone {
  TrimWhenDone() = default;
  TrimWhenDone(const TrimWhenDone&) = delete;
  TrimWhenDone& operator=(const TrimWhenDone&) = delete;
  ~TrimWhenDone() { trim_heap(); }
};

}  // namespace keel::memory
