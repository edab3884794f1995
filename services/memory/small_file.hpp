#pragma once
// Reads a small (proc/sysfs) text file into a caller-provided buffer with
// ::open/::read/::close: no allocation, safe to call from a periodic timer.
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace keel::memory {

// A buffer large enough for /proc/self/status, /proc/meminfo and memory.stat.
inline constexpr std::size_t kSmallFileBuffer = 8192;

// Returns the file's text (a view into `buffer`), or nullopt if it cannot be
// opened or read. If the file does not fit, the text is cut back to its last
// complete line so that no parser sees a half-written number.
std::optional<std::string_view> read_small_file(const char* path, std::span<char> buffer) noexcept;

}  // namespace keel::memory
