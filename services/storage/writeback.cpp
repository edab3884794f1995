#include "services/storage/writeback.hpp"

#include <fcntl.h>

#include <cerrno>

namespace keel::storage {

Writeback::Writeback(int fd, std::uint64_t window, unsigned lag) : fd_(fd), window_(window), lag_(lag) {}

void Writeback::advanced(std::uint64_t end) {
  while (supported_ && end - started_ >= window_) {
    const auto from = static_cast<off64_t>(started_);
    const auto size = static_cast<off64_t>(window_);
    if (::sync_file_range(fd_, from, size, SYNC_FILE_RANGE_WRITE) != 0) {
      // ESPIPE, EINVAL, ENOSYS: nothing to start here; the fsync does it all.
      // An I/O error shows again at the fsync, which the caller checks.
      supported_ = false;
      return;
    }
    started_ += window_;
    const std::uint64_t behind = static_cast<std::uint64_t>(lag_ + 1) * window_;
    if (started_ >= behind) {
      const auto old = static_cast<off64_t>(started_ - behind);
      ::sync_file_range(fd_, old, size,
                        SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER);
      ::posix_fadvise(fd_, old, size, POSIX_FADV_DONTNEED);
    }
  }
}

}  // namespace keel::storage
