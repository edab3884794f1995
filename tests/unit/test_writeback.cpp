// services/storage/writeback: a file written front to back keeps only the
// last few windows in the page cache (the rest was written back and
// dropped), and a file that cannot be synced by range (a pipe) is left alone.
#include "services/storage/writeback.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

using keel::storage::Writeback;

namespace {

constexpr long kTmpfsMagic = 0x01021994;

// How many of the file's pages in [from, from + size) are in the page cache.
std::size_t resident_pages(int fd, std::size_t from, std::size_t size) {
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, static_cast<off_t>(from));
  if (map == MAP_FAILED) return ~std::size_t{0};
  const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> in((size + page - 1) / page);
  ::mincore(map, size, in.data());
  ::munmap(map, size);
  std::size_t n = 0;
  for (unsigned char c : in) n += c & 1;
  return n;
}

}  // namespace

TEST(Writeback, WrittenWindowsLeaveThePageCache) {
  char tmpl[] = "/var/tmp/keel_writeback.XXXXXX";
  int fd = ::mkstemp(tmpl);
  ASSERT_GE(fd, 0);
  struct statfs fs {};
  ASSERT_EQ(::fstatfs(fd, &fs), 0);
  constexpr std::size_t kWindow = 1 << 20;
  Writeback wb(fd, kWindow, 2);
  const std::string chunk(256 << 10, 'k');
  std::uint64_t end = 0;
  for (int i = 0; i < 64; ++i) {  // 16 windows
    ASSERT_EQ(::write(fd, chunk.data(), chunk.size()), static_cast<ssize_t>(chunk.size()));
    end += chunk.size();
    wb.advanced(end);
  }
  if (fs.f_type != kTmpfsMagic) {  // tmpfs has no disk to write back to
    // The first windows went to disk and out of the cache; the last is still there.
    EXPECT_EQ(resident_pages(fd, 0, 8 * kWindow), 0u);
    EXPECT_GT(resident_pages(fd, 15 * kWindow, kWindow), 0u);
  }
  ::close(fd);
  ::unlink(tmpl);
}

TEST(Writeback, APipeIsLeftAlone) {
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  Writeback wb(p[1], 4096, 1);
  wb.advanced(1 << 20);  // sync_file_range refuses a pipe: nothing happens, nothing throws
  wb.advanced(2 << 20);
  ::close(p[0]);
  ::close(p[1]);
}
