#pragma once
// Memory readings for the process: RSS, peak RSS and "how full are we"
// against the effective limit (configured > own cgroup > whole machine).
//
// Sampler::sample() runs every 250 ms from a timer and does not allocate:
// every file is read into a fixed stack buffer with ::open/::read/::close and
// parsed with std::from_chars (see proc_parse.hpp, small_file.hpp).
#include <cstdint>
#include <string>

#include "services/memory/proc_parse.hpp"

namespace keel::memory {

enum class LimitSource { config, cgroup, system };

// "config", "cgroup", "system".
const char* to_string(LimitSource source);

struct Reading {
  std::uint64_t rss_bytes = 0;       // /proc/self/statm resident × page size
  std::uint64_t peak_rss_bytes = 0;  // VmHWM from /proc/self/status (never below rss_bytes)
  std::uint64_t limit_bytes = 0;     // 0 only if nothing at all could be read
  LimitSource source = LimitSource::system;
  std::uint64_t used_bytes = 0;  // config: RSS; cgroup: working set; system: MemTotal − MemAvailable
  double used_percent = 0.0;     // used_bytes * 100 / limit_bytes (0 if limit_bytes is 0)
};

// Where the sampler looks. The defaults are the real locations; tests point
// them at a fake tree in a temporary folder.
struct SamplerPaths {
  std::string proc_self = "/proc/self";  // statm, status, cgroup
  std::string meminfo = "/proc/meminfo";
  std::string cgroup_root = "/sys/fs/cgroup";  // v2 mount; v1 memory controller at <root>/memory
};

class Sampler {
 public:
  // configured_limit_bytes: KEEL_MEMORY_LIMIT_MB in bytes, 0 = discover.
  // Chooses the limit source and the cgroup files once, here:
  //   1. configured_limit_bytes > 0 → config (used = process RSS);
  //   2. the process's own cgroup (v2 <root>/<path>/memory.max, then
  //      v1 <root>/memory/<path>/memory.limit_in_bytes), when the limit is
  //      finite and below MemTotal → cgroup (used = usage − inactive_file,
  //      floored at 0: the Kubernetes working set). If <root>/<path> does not
  //      exist (a container that sees its own cgroup mounted at <root>), the
  //      mount root's file is used instead. A v2 path of "/" is the root,
  //      which has no memory.max → falls through;
  //   3. otherwise system: limit = MemTotal, used = MemTotal − MemAvailable.
  // Missing or unreadable files fall through to the next source.
  explicit Sampler(std::uint64_t configured_limit_bytes, SamplerPaths paths = {});

  // Does not allocate. In cgroup mode the limit file is re-read on every call
  // (limits can be resized at run time); unreadable values keep the last one.
  Reading sample();

  LimitSource source() const { return source_; }
  std::uint64_t limit_bytes() const { return limit_bytes_; }

 private:
  bool try_cgroup(const std::string& dir, const char* limit_file, const char* usage_file, const char* inactive_key,
                  std::uint64_t mem_total_bytes);

  std::uint64_t page_size_ = 4096;
  LimitSource source_ = LimitSource::system;
  std::uint64_t limit_bytes_ = 0;
  std::uint64_t limit_ceiling_ = 0;  // a cgroup limit must stay below this (MemTotal)
  std::string statm_path_;
  std::string status_path_;
  std::string meminfo_path_;
  // cgroup mode only:
  std::string limit_path_;                      // memory.max | memory.limit_in_bytes
  std::string usage_path_;                      // memory.current | memory.usage_in_bytes
  std::string stat_path_;                       // memory.stat
  const char* inactive_key_ = "inactive_file";  // | "total_inactive_file"
};

// Standalone helpers (no allocation); 0 if the file cannot be read.
std::uint64_t read_rss_bytes();       // /proc/self/statm
std::uint64_t read_peak_rss_bytes();  // VmHWM of /proc/self/status

}  // namespace keel::memory
