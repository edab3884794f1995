#include "services/memory/proc_parse.hpp"

#include "http/text/ascii.hpp"

#include <charconv>

namespace keel::memory {
namespace {

// Splits off the next line (without its '\n') from `text`.
std::string_view next_line(std::string_view& text) {
  const auto nl = text.find('\n');
  std::string_view line = text.substr(0, nl);
  text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
  return line;
}

// Parses an unsigned decimal number at the start of `s` (after blanks). The
// number must be followed by the end of `s` or by whitespace.
std::optional<std::uint64_t> leading_number(std::string_view s) {
  s = text::trim_start(s);
  std::uint64_t value = 0;
  const char* first = s.data();
  const char* last = s.data() + s.size();
  const auto [ptr, ec] = std::from_chars(first, last, value);
  if (ec != std::errc{} || ptr == first) return std::nullopt;
  if (ptr != last && !text::is_whitespace(*ptr)) return std::nullopt;
  return value;
}

// "Key:   value kB" style files (/proc/self/status, /proc/meminfo).
std::optional<std::uint64_t> keyed_colon_kb(std::string_view text, std::string_view key) {
  if (key.empty()) return std::nullopt;
  while (!text.empty()) {
    const std::string_view line = next_line(text);
    if (line.size() > key.size() && line.starts_with(key) && line[key.size()] == ':') {
      return leading_number(line.substr(key.size() + 1));
    }
  }
  return std::nullopt;
}

// One /proc/self/cgroup line "hierarchy-id:controllers:path". The path may
// itself contain ':', so only the first two colons split.
struct CgroupLine {
  std::string_view id;
  std::string_view controllers;
  std::string_view path;
};

std::optional<CgroupLine> split_cgroup_line(std::string_view line) {
  const auto c1 = line.find(':');
  if (c1 == std::string_view::npos) return std::nullopt;
  const auto c2 = line.find(':', c1 + 1);
  if (c2 == std::string_view::npos) return std::nullopt;
  CgroupLine out{line.substr(0, c1), line.substr(c1 + 1, c2 - c1 - 1), line.substr(c2 + 1)};
  if (!out.path.empty() && out.path.back() == '\r') out.path.remove_suffix(1);
  if (out.path.empty() || out.path.front() != '/') return std::nullopt;
  return out;
}

bool has_controller(std::string_view list, std::string_view wanted) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    if (list.substr(0, comma) == wanted) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

}  // namespace

std::optional<std::uint64_t> parse_statm_rss_pages(std::string_view statm) {
  statm = text::trim(statm, text::kWhitespace);
  // First field (total program size), must be a number.
  std::size_t i = 0;
  while (i < statm.size() && !text::is_whitespace(statm[i])) ++i;
  if (i == 0 || !leading_number(statm.substr(0, i))) return std::nullopt;
  if (i == statm.size()) return std::nullopt;  // no second field
  return leading_number(statm.substr(i));
}

std::optional<std::uint64_t> parse_status_kb(std::string_view proc_status, std::string_view key) {
  return keyed_colon_kb(proc_status, key);
}

std::optional<std::uint64_t> parse_meminfo_kb(std::string_view meminfo, std::string_view key) {
  return keyed_colon_kb(meminfo, key);
}

std::optional<std::string> cgroup_v2_path(std::string_view proc_self_cgroup) {
  while (!proc_self_cgroup.empty()) {
    const auto parts = split_cgroup_line(next_line(proc_self_cgroup));
    if (parts && parts->id == "0" && parts->controllers.empty()) return std::string(parts->path);
  }
  return std::nullopt;
}

std::optional<std::string> cgroup_v1_memory_path(std::string_view proc_self_cgroup) {
  while (!proc_self_cgroup.empty()) {
    const auto parts = split_cgroup_line(next_line(proc_self_cgroup));
    if (parts && has_controller(parts->controllers, "memory")) return std::string(parts->path);
  }
  return std::nullopt;
}

std::optional<std::uint64_t> parse_cgroup_limit(std::string_view contents) {
  const std::string_view v = text::trim(contents, text::kWhitespace);
  if (v.empty() || v == "max") return std::nullopt;
  std::uint64_t value = 0;
  const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), value);
  if (ec != std::errc{} || ptr != v.data() + v.size()) return std::nullopt;
  return value;
}

std::optional<std::uint64_t> parse_memory_stat(std::string_view memory_stat, std::string_view key) {
  if (key.empty()) return std::nullopt;
  while (!memory_stat.empty()) {
    const std::string_view line = next_line(memory_stat);
    if (line.size() > key.size() && line.starts_with(key) && text::is_ows(line[key.size()])) {
      return leading_number(line.substr(key.size()));
    }
  }
  return std::nullopt;
}

}  // namespace keel::memory
