#include "services/storage/opened_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

namespace keel::storage {

std::optional<OpenedFile> regular_file(int fd) {
  if (fd < 0) return std::nullopt;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return std::nullopt;
  }
  OpenedFile out;
  try {
    out.file = std::make_shared<OpenFile>(fd);
  } catch (...) {
    ::close(fd);
    throw;
  }
  out.size = static_cast<std::uint64_t>(st.st_size);
  out.modified_s = st.st_mtim.tv_sec;
  out.modified_ns = st.st_mtim.tv_nsec;
  return out;
}

}  // namespace keel::storage
