#include "services/memory/stats.hpp"

#include <unistd.h>
#include <array>
#include <string_view>

#include "services/memory/small_file.hpp"

namespace keel::memory {
namespace {

// No "no limit" marker of cgroup v1 is below this; used only when MemTotal
// itself cannot be read.
constexpr std::uint64_t kImplausibleLimit = std::uint64_t{1} << 60;

std::uint64_t saturating_mul(std::uint64_t a, std::uint64_t b) {
  std::uint64_t out = 0;
  if (__builtin_mul_overflow(a, b, &out)) return UINT64_MAX;
  return out;
}

std::uint64_t page_size() {
  const long ps = ::sysconf(_SC_PAGESIZE);
  return ps > 0 ? static_cast<std::uint64_t>(ps) : 4096;
}

std::uint64_t rss_from(const char* statm_path, std::uint64_t page) {
  std::array<char, 256> buf;
  const auto text = read_small_file(statm_path, buf);
  if (!text) return 0;
  return saturating_mul(parse_statm_rss_pages(*text).value_or(0), page);
}

std::uint64_t peak_from(const char* status_path) {
  std::array<char, kSmallFileBuffer> buf;
  const auto text = read_small_file(status_path, buf);
  if (!text) return 0;
  return saturating_mul(parse_status_kb(*text, "VmHWM").value_or(0), 1024);
}

struct MemInfo {
  std::uint64_t total_bytes;
  std::uint64_t available_bytes;
};

std::optional<MemInfo> meminfo_from(const char* path) {
  std::array<char, kSmallFileBuffer> buf;
  const auto text = read_small_file(path, buf);
  if (!text) return std::nullopt;
  const auto total = parse_meminfo_kb(*text, "MemTotal");
  if (!total) return std::nullopt;
  // MemAvailable exists since Linux 3.14; MemFree is a pessimistic stand-in.
  auto available = parse_meminfo_kb(*text, "MemAvailable");
  if (!available) available = parse_meminfo_kb(*text, "MemFree");
  return MemInfo{saturating_mul(*total, 1024), saturating_mul(available.value_or(0), 1024)};
}

// A number file (memory.max, memory.current, ...): nullopt if unreadable,
// "max" or garbage.
std::optional<std::uint64_t> number_from(const char* path) {
  std::array<char, 128> buf;
  const auto text = read_small_file(path, buf);
  if (!text) return std::nullopt;
  return parse_cgroup_limit(*text);
}

// <base><path> with a path of "/" meaning base itself.
std::string join(std::string_view base, std::string_view path) {
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  std::string out(base);
  out += path;
  return out;
}

}  // namespace

const char* to_string(LimitSource source) {
  switch (source) {
    case LimitSource::config:
      return "config";
    case LimitSource::cgroup:
      return "cgroup";
    case LimitSource::system:
      return "system";
  }
  return "unknown";
}

Sampler::Sampler(std::uint64_t configured_limit_bytes, SamplerPaths paths)
    : page_size_(page_size()),
      statm_path_(paths.proc_self + "/statm"),
      status_path_(paths.proc_self + "/status"),
      meminfo_path_(paths.meminfo) {
  const auto mem = meminfo_from(meminfo_path_.c_str());
  const std::uint64_t mem_total = mem ? mem->total_bytes : 0;

  if (configured_limit_bytes > 0) {
    source_ = LimitSource::config;
    limit_bytes_ = configured_limit_bytes;
    return;
  }

  std::string cgroup_text;
  {
    std::array<char, kSmallFileBuffer> buf;
    const std::string cgroup_file = paths.proc_self + "/cgroup";
    if (const auto text = read_small_file(cgroup_file.c_str(), buf)) cgroup_text.assign(*text);
  }

  // The own cgroup folder is <base><path>. If its limit file cannot be read
  // (e.g. a container that has its own cgroup mounted at <base> while
  // /proc/self/cgroup still shows the host's path), <base> itself is tried.
  // Path "/" is <base> anyway; at the real root there is no memory.max.
  const auto own_or_base = [](const std::string& base, const std::string& path, const char* limit_file) {
    std::string dir = join(base, path);
    std::array<char, 128> probe;
    if (read_small_file((dir + "/" + limit_file).c_str(), probe)) return dir;
    return base;
  };
  if (const auto v2 = cgroup_v2_path(cgroup_text)) {
    const std::string dir = own_or_base(paths.cgroup_root, *v2, "memory.max");
    if (try_cgroup(dir, "memory.max", "memory.current", "inactive_file", mem_total)) return;
  }
  if (const auto v1 = cgroup_v1_memory_path(cgroup_text)) {
    const std::string dir = own_or_base(paths.cgroup_root + "/memory", *v1, "memory.limit_in_bytes");
    if (try_cgroup(dir, "memory.limit_in_bytes", "memory.usage_in_bytes", "total_inactive_file", mem_total)) { return; }
  }

  source_ = LimitSource::system;
  limit_bytes_ = mem_total;
}

bool Sampler::try_cgroup(const std::string& dir, const char* limit_file, const char* usage_file,
                         const char* inactive_key, std::uint64_t mem_total_bytes) {
  const std::string limit_path = dir + "/" + limit_file;
  const std::string usage_path = dir + "/" + usage_file;
  const auto limit = number_from(limit_path.c_str());
  if (!limit || *limit == 0) return false;  // unreadable, "max" or garbage
  const std::uint64_t ceiling = mem_total_bytes > 0 ? mem_total_bytes : kImplausibleLimit;
  if (*limit >= ceiling) return false;                 // v1's "no limit", or no tighter than the machine
  if (!number_from(usage_path.c_str())) return false;  // cannot compute the working set
  source_ = LimitSource::cgroup;
  limit_bytes_ = *limit;
  limit_ceiling_ = ceiling;
  limit_path_ = limit_path;
  usage_path_ = usage_path;
  stat_path_ = dir + "/memory.stat";
  inactive_key_ = inactive_key;
  return true;
}

Reading Sampler::sample() {
  Reading r;
  r.rss_bytes = rss_from(statm_path_.c_str(), page_size_);
  r.peak_rss_bytes = peak_from(status_path_.c_str());
  if (r.peak_rss_bytes < r.rss_bytes) r.peak_rss_bytes = r.rss_bytes;  // read at different instants
  r.source = source_;

  switch (source_) {
    case LimitSource::config:
      r.used_bytes = r.rss_bytes;
      break;
    case LimitSource::cgroup: {
      if (const auto limit = number_from(limit_path_.c_str()); limit && *limit > 0 && *limit < limit_ceiling_) {
        limit_bytes_ = *limit;
      }
      if (const auto usage = number_from(usage_path_.c_str())) {
        std::uint64_t inactive = 0;
        std::array<char, kSmallFileBuffer> buf;
        if (const auto stat = read_small_file(stat_path_.c_str(), buf)) {
          inactive = parse_memory_stat(*stat, inactive_key_).value_or(0);
        }
        r.used_bytes = *usage > inactive ? *usage - inactive : 0;
      } else {
        r.used_bytes = r.rss_bytes;
      }
      break;
    }
    case LimitSource::system:
      if (const auto mem = meminfo_from(meminfo_path_.c_str())) {
        limit_bytes_ = mem->total_bytes;
        r.used_bytes = mem->total_bytes > mem->available_bytes ? mem->total_bytes - mem->available_bytes : 0;
      } else {
        r.used_bytes = r.rss_bytes;
      }
      break;
  }
  r.limit_bytes = limit_bytes_;
  r.used_percent =
      r.limit_bytes > 0 ? static_cast<double>(r.used_bytes) * 100.0 / static_cast<double>(r.limit_bytes) : 0.0;
  return r;
}

std::uint64_t read_rss_bytes() { return rss_from("/proc/self/statm", page_size()); }

std::uint64_t read_peak_rss_bytes() { return peak_from("/proc/self/status"); }

}  // namespace keel::memory
