// When free heap memory is handed back (services/memory/trim).
#include "services/memory/trim.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

namespace {

using keel::memory::worth_trimming;

TEST(MemoryTrim, WorthTrimmingTable) {
  constexpr std::size_t MiB = 1 << 20;
  struct Case {
    std::size_t now, after_last, slack;
    bool want;
  } cases[] = {
      {0, 0, MiB, false},
      {MiB, 0, MiB, false},          // exactly the slack: not yet
      {MiB + 1, 0, MiB, true},       // over it
      {5 * MiB, 4 * MiB, MiB, false},  // what the last trim could not return does not count
      {6 * MiB, 4 * MiB, MiB, true},
      {100, 200, 0, false},          // less free than after the last trim
  };
  for (const auto& c : cases)
    EXPECT_EQ(worth_trimming(c.now, c.after_last, c.slack), c.want) << c.now << " " << c.after_last;
}

#if defined(__SANITIZE_ADDRESS__)
TEST(MemoryTrim, DISABLED_FreedHeapGoesBackOnCheck) {}  // the sanitizer's allocator is not glibc's
#else
std::size_t rss_bytes() {
  long pages = 0, resident = 0;
  FILE* f = std::fopen("/proc/self/statm", "r");
  if (!f) return 0;
  if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
  std::fclose(f);
  return static_cast<std::size_t>(resident) * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

TEST(MemoryTrim, FreedHeapGoesBackOnCheck) {
  keel::memory::HeapSlack slack;
  slack.check();  // whatever the process had free before
  const std::size_t base = rss_bytes();
  // 16 MiB in 32 KiB blocks (below any mmap threshold, so from the heap),
  // touched, then freed under a block that pins the heap's top: free()
  // alone keeps them resident.
  std::vector<std::unique_ptr<char[]>> blocks;
  for (int i = 0; i < 512; ++i) {
    blocks.emplace_back(new char[32 << 10]);
    std::memset(blocks.back().get(), 1, 32 << 10);
  }
  std::unique_ptr<char[]> pin(new char[64]);
  std::memset(pin.get(), 1, 64);
  blocks.clear();
  const std::size_t before = rss_bytes();
  slack.check();
  const std::size_t after = rss_bytes();
  // However the heap looked before (other tests ran in this process), the
  // 16 MiB are not resident after the check.
  EXPECT_LT(after, base + (4u << 20)) << "base " << base << " before " << before << " after " << after;
}
#endif

}  // namespace
