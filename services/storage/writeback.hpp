#pragma once
// Keeps the dirty pages of a file written front to back bounded, so the final
// fsync has little left to do and a large write does not fill the page cache
// with dirty pages that stall every writer on the machine.
//
// Each time another `window` bytes are written, writeback of that window is
// started (sync_file_range WRITE, which returns at once), and the writer waits
// for the window `lag` windows behind it (WAIT_BEFORE|WRITE|WAIT_AFTER): at
// most (lag + 1) windows are dirty or in flight. Windows start on window
// boundaries, so they stay page-aligned. Not a durability guarantee: the
// caller still fsyncs (sync_file_range writes no metadata).
#include <cstdint>

namespace keel::storage {

class Writeback {
 public:
  static constexpr std::uint64_t kWindow = 8ull << 20;
  static constexpr unsigned kLag = 2;

  explicit Writeback(int fd, std::uint64_t window = kWindow, unsigned lag = kLag);

  // The file now holds `end` bytes (the offset after the last write).
  void advanced(std::uint64_t end);

 private:
  int fd_;
  std::uint64_t window_;
  unsigned lag_;
  std::uint64_t started_ = 0;  // bytes whose writeback was started
  bool supported_ = true;      // false once the file system says no (e.g. a pipe)
};

}  // namespace keel::storage
