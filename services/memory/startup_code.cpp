#include "services/memory/startup_code.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <charconv>
#include <climits>
#include <fstream>
#include <string>

namespace keel::memory {

bool parse_code_mapping(std::string_view line, std::string_view exe, CodeMapping& out) noexcept {
  // "55d0c0a36000-55d0c0f7e000 r-xp 00008000 fe:01 1234   /path/to/keel"
  auto field = [&line]() {
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    auto end = line.find(' ');
    std::string_view f = line.substr(0, end);
    line.remove_prefix(end == std::string_view::npos ? line.size() : end);
    return f;
  };
  std::string_view range = field(), perms = field();
  field();  // offset
  field();  // device
  field();  // inode
  while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
  // Only code: readable, executable, private, and not writable (a writable
  // or once-written mapping holds private copies that must not be dropped).
  if (perms != "r-xp" || line != exe || exe.empty()) return false;
  auto dash = range.find('-');
  if (dash == std::string_view::npos) return false;
  std::uintptr_t b = 0, e = 0;
  auto r1 = std::from_chars(range.data(), range.data() + dash, b, 16);
  auto r2 = std::from_chars(range.data() + dash + 1, range.data() + range.size(), e, 16);
  if (r1.ec != std::errc{} || r2.ec != std::errc{} || r2.ptr != range.data() + range.size() || e <= b) return false;
  out = {b, e};
  return true;
}

std::size_t release_startup_code() noexcept {
  try {
    char exe[PATH_MAX];
    ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) return 0;
    std::string_view exe_path(exe, static_cast<std::size_t>(n));
    std::ifstream maps("/proc/self/maps");
    std::string line;
    std::size_t released = 0;
    while (std::getline(maps, line)) {
      CodeMapping m;
      if (!parse_code_mapping(line, exe_path, m)) continue;
      if (::madvise(reinterpret_cast<void*>(m.begin), m.end - m.begin, MADV_DONTNEED) == 0) released += m.end - m.begin;
    }
    return released;
  } catch (...) { return 0; }
}

}  // namespace keel::memory
