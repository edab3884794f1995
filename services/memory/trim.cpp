#include "services/memory/trim.hpp"

#include <malloc.h>

namespace keel::memory {

namespace {
std::size_t free_heap_bytes() noexcept {
  struct mallinfo2 mi = ::mallinfo2();  // walks each arena's bins: microseconds
  return mi.fordblks;
}
}  // namespace

void trim_heap() noexcept { ::malloc_trim(0); }

void HeapSlack::check() noexcept {
  const std::size_t now = free_heap_bytes();
  if (now < free_after_last_trim_) free_after_last_trim_ = now;  // reused since: follow it down
  if (!worth_trimming(now, free_after_last_trim_, kSlack)) return;
  trim_heap();
  free_after_last_trim_ = free_heap_bytes();
}

}  // namespace keel::memory
