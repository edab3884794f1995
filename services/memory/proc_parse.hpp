#pragma once
// Pure parsers for the text of /proc and cgroup files. No I/O and no
// allocation (except the two cgroup path functions, which return strings and
// are only used at start-up), so unit tests feed them sample text and the
// 250 ms sampler can call them freely.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace keel::memory {

// /proc/self/statm: "size resident shared text lib data dt" in pages.
// Returns the second field (resident pages).
std::optional<std::uint64_t> parse_statm_rss_pages(std::string_view statm);

// /proc/self/status: a line "Key:\t   1234 kB". Returns the number (kB).
// The key must match a whole line prefix up to ':' ("VmHWM" does not match "VmHWMx").
std::optional<std::uint64_t> parse_status_kb(std::string_view proc_status, std::string_view key);

// /proc/meminfo: a line "Key:     1234 kB" (MemTotal, MemAvailable, ...). Returns kB.
std::optional<std::uint64_t> parse_meminfo_kb(std::string_view meminfo, std::string_view key);

// /proc/self/cgroup, cgroup v2 (unified) line "0::/path" → "/path".
std::optional<std::string> cgroup_v2_path(std::string_view proc_self_cgroup);

// /proc/self/cgroup, cgroup v1 line "N:memory:/path" (the controller list may
// be shared, e.g. "N:cpu,memory:/path") → "/path".
std::optional<std::string> cgroup_v1_memory_path(std::string_view proc_self_cgroup);

// memory.max / memory.limit_in_bytes / memory.current / memory.usage_in_bytes:
// a single number, surrounding whitespace allowed. "max" (v2: no limit) and
// anything unparsable → nullopt. v1's "no limit" is a huge number such as
// 9223372036854771712 and is returned as is: the caller compares with MemTotal.
std::optional<std::uint64_t> parse_cgroup_limit(std::string_view text);

// memory.stat: lines "key value". e.g. "inactive_file" (v2), "total_inactive_file" (v1).
std::optional<std::uint64_t> parse_memory_stat(std::string_view memory_stat, std::string_view key);

}  // namespace keel::memory
