#include "services/memory/small_file.hpp"

#include <fcntl.h>
#include <unistd.h>
#include <cerrno>

namespace keel::memory {

std::optional<std::string_view> read_small_file(const char* path, std::span<char> buffer) noexcept {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::size_t used = 0;
  bool ok = true;
  while (used < buffer.size()) {
    const ::ssize_t n = ::read(fd, buffer.data() + used, buffer.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      ok = false;
      break;
    }
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (!ok) return std::nullopt;
  std::string_view text(buffer.data(), used);
  if (used == buffer.size()) {  // maybe truncated: keep complete lines only
    const auto nl = text.rfind('\n');
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(0, nl + 1);
  }
  return text;
}

}  // namespace keel::memory
