#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <new>
#include <stdexcept>
#include <string>

#include <unistd.h>

#include "services/memory/stats.hpp"

// ---------------------------------------------------------------------------
// Allocation counting for the "sample() does not allocate" test.
//
// These replace the global operator new/delete for the WHOLE unit-test binary
// (a program may replace them in any one translation unit). They forward to
// malloc/free exactly like the default ones (including the new_handler loop
// and bad_alloc), so other tests behave as before; the only addition is a
// per-thread counter that only this file reads. No other file of the test
// binary may define its own replacements (that would be a duplicate symbol).
// ---------------------------------------------------------------------------
namespace {

thread_local std::size_t t_allocations = 0;

void* counted_alloc(std::size_t size) {
  ++t_allocations;
  if (size == 0) size = 1;
  for (;;) {
    if (void* p = std::malloc(size)) return p;
    std::new_handler handler = std::get_new_handler();
    if (!handler) throw std::bad_alloc();
    handler();
  }
}

void* counted_alloc_aligned(std::size_t size, std::align_val_t align) {
  ++t_allocations;
  if (size == 0) size = 1;
  std::size_t alignment = static_cast<std::size_t>(align);
  if (alignment < sizeof(void*)) alignment = sizeof(void*);
  for (;;) {
    void* p = nullptr;
    if (::posix_memalign(&p, alignment, size) == 0) return p;
    std::new_handler handler = std::get_new_handler();
    if (!handler) throw std::bad_alloc();
    handler();
  }
}

}  // namespace

void* operator new(std::size_t size) { return counted_alloc(size); }
void* operator new[](std::size_t size) { return counted_alloc(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return counted_alloc(size);
  } catch (...) { return nullptr; }
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return counted_alloc(size);
  } catch (...) { return nullptr; }
}
void* operator new(std::size_t size, std::align_val_t align) { return counted_alloc_aligned(size, align); }
void* operator new[](std::size_t size, std::align_val_t align) { return counted_alloc_aligned(size, align); }
void* operator new(std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
  try {
    return counted_alloc_aligned(size, align);
  } catch (...) { return nullptr; }
}
void* operator new[](std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
  try {
    return counted_alloc_aligned(size, align);
  } catch (...) { return nullptr; }
}

void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }

namespace {

using namespace keel::memory;
namespace fs = std::filesystem;

// ---------------------------------------------------------------- parsers --

TEST(MemoryParse, StatmRssPages) {
  EXPECT_EQ(parse_statm_rss_pages("765 439 410 5 0 123 0\n"), 439u);
  EXPECT_EQ(parse_statm_rss_pages("  1 2"), 2u);
  EXPECT_EQ(parse_statm_rss_pages("5298 1234\t99 1 0 300 0"), 1234u);
  EXPECT_EQ(parse_statm_rss_pages(""), std::nullopt);
  EXPECT_EQ(parse_statm_rss_pages("765"), std::nullopt);
  EXPECT_EQ(parse_statm_rss_pages("765\n"), std::nullopt);
  EXPECT_EQ(parse_statm_rss_pages("abc def"), std::nullopt);
  EXPECT_EQ(parse_statm_rss_pages("765 -4 1"), std::nullopt);
  EXPECT_EQ(parse_statm_rss_pages("765 12x 1"), std::nullopt);
  EXPECT_EQ(parse_statm_rss_pages("765 99999999999999999999999 1"), std::nullopt);  // overflow
}

constexpr std::string_view kStatus =
    "Name:\tkeel\n"
    "Umask:\t0022\n"
    "State:\tS (sleeping)\n"
    "Pid:\t4242\n"
    "VmPeak:\t  812340 kB\n"
    "VmSize:\t  812340 kB\n"
    "VmLck:\t       0 kB\n"
    "VmHWM:\t   51234 kB\n"
    "VmRSS:\t   48000 kB\n"
    "RssAnon:\t   30000 kB\n"
    "Threads:\t9\n";

TEST(MemoryParse, StatusKb) {
  EXPECT_EQ(parse_status_kb(kStatus, "VmHWM"), 51234u);
  EXPECT_EQ(parse_status_kb(kStatus, "VmRSS"), 48000u);
  EXPECT_EQ(parse_status_kb(kStatus, "VmLck"), 0u);
  EXPECT_EQ(parse_status_kb(kStatus, "Threads"), 9u);
  EXPECT_EQ(parse_status_kb(kStatus, "VmSwap"), std::nullopt);  // missing
  EXPECT_EQ(parse_status_kb(kStatus, "VmH"), std::nullopt);     // prefix of a key only
  EXPECT_EQ(parse_status_kb(kStatus, "RSS"), std::nullopt);     // suffix of a key only
  EXPECT_EQ(parse_status_kb(kStatus, "Name"), std::nullopt);    // not a number
  EXPECT_EQ(parse_status_kb(kStatus, ""), std::nullopt);
  EXPECT_EQ(parse_status_kb("", "VmHWM"), std::nullopt);
  EXPECT_EQ(parse_status_kb("VmHWM:\n", "VmHWM"), std::nullopt);
  EXPECT_EQ(parse_status_kb("VmHWM:\t 12", "VmHWM"), 12u);  // no trailing newline / unit
}

constexpr std::string_view kMeminfo =
    "MemTotal:       24683620 kB\n"
    "MemFree:        20111222 kB\n"
    "MemAvailable:   24332308 kB\n"
    "Buffers:          123456 kB\n"
    "Cached:          3000000 kB\n"
    "SwapCached:            0 kB\n"
    "HugePages_Total:       0\n";

TEST(MemoryParse, MeminfoKb) {
  EXPECT_EQ(parse_meminfo_kb(kMeminfo, "MemTotal"), 24683620u);
  EXPECT_EQ(parse_meminfo_kb(kMeminfo, "MemAvailable"), 24332308u);
  EXPECT_EQ(parse_meminfo_kb(kMeminfo, "MemFree"), 20111222u);
  EXPECT_EQ(parse_meminfo_kb(kMeminfo, "Cached"), 3000000u);  // not SwapCached
  EXPECT_EQ(parse_meminfo_kb(kMeminfo, "HugePages_Total"), 0u);
  EXPECT_EQ(parse_meminfo_kb(kMeminfo, "Mem"), std::nullopt);
  EXPECT_EQ(parse_meminfo_kb(kMeminfo, "Shmem"), std::nullopt);
  EXPECT_EQ(parse_meminfo_kb("garbage\n\n:::\n", "MemTotal"), std::nullopt);
  EXPECT_EQ(parse_meminfo_kb("MemTotal: lots kB\n", "MemTotal"), std::nullopt);
}

TEST(MemoryParse, CgroupV2Path) {
  EXPECT_EQ(cgroup_v2_path("0::/\n"), "/");
  EXPECT_EQ(cgroup_v2_path("0::/kubepods.slice/kubepods-pod1.slice/cri-containerd-abc.scope\n"),
            "/kubepods.slice/kubepods-pod1.slice/cri-containerd-abc.scope");
  EXPECT_EQ(cgroup_v2_path("0::/user.slice/user-1000.slice/session-2.scope"),
            "/user.slice/user-1000.slice/session-2.scope");
  // Hybrid host: v1 controllers plus the unified line.
  constexpr std::string_view hybrid = "9:name=systemd:/\n8:pids:/\n4:memory:/process_api/bf858d5c\n1:cpu:/\n0::/\n";
  EXPECT_EQ(cgroup_v2_path(hybrid), "/");
  EXPECT_EQ(cgroup_v2_path("0::/a:b\n"), "/a:b");  // a ':' inside the path
  EXPECT_EQ(cgroup_v2_path("4:memory:/x\n"), std::nullopt);
  EXPECT_EQ(cgroup_v2_path("1:name=systemd:/x\n"), std::nullopt);
  EXPECT_EQ(cgroup_v2_path(""), std::nullopt);
  EXPECT_EQ(cgroup_v2_path("0::\n"), std::nullopt);
  EXPECT_EQ(cgroup_v2_path("garbage"), std::nullopt);
}

TEST(MemoryParse, CgroupV1MemoryPath) {
  constexpr std::string_view v1 =
      "12:hugetlb:/docker/0123abcd\n"
      "11:memory:/docker/0123abcd\n"
      "10:cpu,cpuacct:/docker/0123abcd\n"
      "1:name=systemd:/docker/0123abcd\n";
  EXPECT_EQ(cgroup_v1_memory_path(v1), "/docker/0123abcd");
  EXPECT_EQ(cgroup_v1_memory_path("3:cpu,memory:/shared\n"), "/shared");
  EXPECT_EQ(cgroup_v1_memory_path("3:memory,cpu:/shared\n"), "/shared");
  EXPECT_EQ(cgroup_v1_memory_path("4:memory:/\n0::/\n"), "/");
  EXPECT_EQ(cgroup_v1_memory_path("0::/only/v2\n"), std::nullopt);
  EXPECT_EQ(cgroup_v1_memory_path("5:memoryx:/no\n6:name=memory:/no\n"), std::nullopt);
  EXPECT_EQ(cgroup_v1_memory_path(""), std::nullopt);
  EXPECT_EQ(cgroup_v1_memory_path("memory\n"), std::nullopt);
}

TEST(MemoryParse, CgroupLimit) {
  EXPECT_EQ(parse_cgroup_limit("max\n"), std::nullopt);                          // v2: no limit
  EXPECT_EQ(parse_cgroup_limit("536870912\n"), 536870912u);                      // v2 / v1 number
  EXPECT_EQ(parse_cgroup_limit("9223372036854771712\n"), 9223372036854771712u);  // v1 "no limit"
  EXPECT_EQ(parse_cgroup_limit("  42  "), 42u);
  EXPECT_EQ(parse_cgroup_limit("0"), 0u);
  EXPECT_EQ(parse_cgroup_limit(""), std::nullopt);
  EXPECT_EQ(parse_cgroup_limit("\n"), std::nullopt);
  EXPECT_EQ(parse_cgroup_limit("maximum"), std::nullopt);
  EXPECT_EQ(parse_cgroup_limit("12 34"), std::nullopt);
  EXPECT_EQ(parse_cgroup_limit("-1"), std::nullopt);
  EXPECT_EQ(parse_cgroup_limit("12abc"), std::nullopt);
  EXPECT_EQ(parse_cgroup_limit("99999999999999999999999"), std::nullopt);
}

TEST(MemoryParse, MemoryStat) {
  constexpr std::string_view v2 =
      "anon 104857600\n"
      "file 209715200\n"
      "kernel_stack 327680\n"
      "active_anon 0\n"
      "inactive_anon 104857600\n"
      "active_file 52428800\n"
      "inactive_file 157286400\n"
      "unevictable 0\n";
  EXPECT_EQ(parse_memory_stat(v2, "inactive_file"), 157286400u);
  EXPECT_EQ(parse_memory_stat(v2, "active_file"), 52428800u);
  EXPECT_EQ(parse_memory_stat(v2, "file"), 209715200u);
  EXPECT_EQ(parse_memory_stat(v2, "total_inactive_file"), std::nullopt);
  constexpr std::string_view v1 =
      "cache 2199552\n"
      "rss 1000000\n"
      "inactive_file 0\n"
      "hierarchical_memory_limit 9223372036854771712\n"
      "total_cache 300000000\n"
      "total_inactive_file 217145344\n"
      "total_active_file 5000\n";
  EXPECT_EQ(parse_memory_stat(v1, "total_inactive_file"), 217145344u);
  EXPECT_EQ(parse_memory_stat(v1, "inactive_file"), 0u);
  EXPECT_EQ(parse_memory_stat(v1, "inactive"), std::nullopt);
  EXPECT_EQ(parse_memory_stat("inactive_file x\n", "inactive_file"), std::nullopt);
  EXPECT_EQ(parse_memory_stat("", "inactive_file"), std::nullopt);
  EXPECT_EQ(parse_memory_stat(v2, ""), std::nullopt);
}

TEST(MemoryStats, ToString) {
  EXPECT_STREQ(to_string(LimitSource::config), "config");
  EXPECT_STREQ(to_string(LimitSource::cgroup), "cgroup");
  EXPECT_STREQ(to_string(LimitSource::system), "system");
}

// --------------------------------------------------------- fake file tree --

class FakeTree {
 public:
  FakeTree() {
    std::string tmpl = (fs::temp_directory_path() / "keel_memory_XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    root_ = tmpl;
    fs::create_directories(root_ / "proc_self");
    fs::create_directories(root_ / "cgroup");
    write("proc_self/statm", "5000 250 100 5 0 300 0\n");
    write("proc_self/status", "Name:\tkeel\nVmHWM:\t  4096 kB\nVmRSS:\t  1000 kB\n");
    write("meminfo", "MemTotal:        8000000 kB\nMemFree:  1000000 kB\nMemAvailable:    6000000 kB\n");
  }
  ~FakeTree() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  FakeTree(const FakeTree&) = delete;
  FakeTree& operator=(const FakeTree&) = delete;

  void write(const std::string& rel, std::string_view text) {
    const fs::path p = root_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
  }
  SamplerPaths paths() const {
    return SamplerPaths{(root_ / "proc_self").string(), (root_ / "meminfo").string(), (root_ / "cgroup").string()};
  }
  // Writes a cgroup folder (relative to the fake cgroup root).
  void cgroup(const std::string& dir, const char* limit_file, std::string_view limit, const char* usage_file,
              std::string_view usage, std::string_view stat) {
    const std::string base = dir.empty() ? "cgroup" : "cgroup/" + dir;
    write(base + "/" + limit_file, limit);
    write(base + "/" + usage_file, usage);
    write(base + "/memory.stat", stat);
  }

 private:
  fs::path root_;
};

constexpr std::uint64_t kFakeMemTotal = 8000000ull * 1024;
const std::uint64_t kPage = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));

TEST(MemorySampler, ConfiguredLimitOnFakeTree) {
  FakeTree t;
  t.write("proc_self/cgroup", "0::/kube/c1\n");
  t.cgroup("kube/c1", "memory.max", "1073741824\n", "memory.current", "1000\n", "inactive_file 0\n");
  Sampler s(500ull << 20, t.paths());
  const Reading r = s.sample();
  EXPECT_EQ(r.source, LimitSource::config);
  EXPECT_EQ(r.limit_bytes, 500ull << 20);
  EXPECT_EQ(r.rss_bytes, 250 * kPage);
  EXPECT_EQ(r.peak_rss_bytes, std::max<std::uint64_t>(4096ull * 1024, 250 * kPage));
  EXPECT_EQ(r.used_bytes, r.rss_bytes);
  EXPECT_DOUBLE_EQ(r.used_percent, static_cast<double>(r.used_bytes) * 100.0 / static_cast<double>(500ull << 20));
}

TEST(MemorySampler, CgroupV2WorkingSet) {
  FakeTree t;
  t.write("proc_self/cgroup", "0::/kubepods.slice/pod1/cri-abc\n");
  t.cgroup("kubepods.slice/pod1/cri-abc", "memory.max", "536870912\n", "memory.current", "300000000\n",
           "anon 100\nfile 200\nactive_file 5\ninactive_file 100000000\nunevictable 0\n");
  Sampler s(0, t.paths());
  EXPECT_EQ(s.source(), LimitSource::cgroup);
  const Reading r = s.sample();
  EXPECT_EQ(r.source, LimitSource::cgroup);
  EXPECT_EQ(r.limit_bytes, 536870912u);
  EXPECT_EQ(r.used_bytes, 200000000u);
  EXPECT_DOUBLE_EQ(r.used_percent, 200000000.0 * 100.0 / 536870912.0);

  // Limit resized and usage changed at run time: picked up without a new Sampler.
  t.write("cgroup/kubepods.slice/pod1/cri-abc/memory.max", "1073741824\n");
  t.write("cgroup/kubepods.slice/pod1/cri-abc/memory.current", "50000000\n");
  const Reading r2 = s.sample();
  EXPECT_EQ(r2.limit_bytes, 1073741824u);
  EXPECT_EQ(r2.used_bytes, 0u);  // inactive_file > current → floored at 0
  EXPECT_EQ(r2.used_percent, 0.0);

  // A later "max" keeps the last known limit.
  t.write("cgroup/kubepods.slice/pod1/cri-abc/memory.max", "max\n");
  EXPECT_EQ(s.sample().limit_bytes, 1073741824u);
}

TEST(MemorySampler, CgroupV2MaxFallsBackToSystem) {
  FakeTree t;
  t.write("proc_self/cgroup", "0::/user.slice/session-1.scope\n");
  t.cgroup("user.slice/session-1.scope", "memory.max", "max\n", "memory.current", "12345\n", "inactive_file 0\n");
  Sampler s(0, t.paths());
  const Reading r = s.sample();
  EXPECT_EQ(r.source, LimitSource::system);
  EXPECT_EQ(r.limit_bytes, kFakeMemTotal);
  EXPECT_EQ(r.used_bytes, 2000000ull * 1024);
  EXPECT_DOUBLE_EQ(r.used_percent, 25.0);
}

TEST(MemorySampler, CgroupV2RootHasNoLimit) {
  FakeTree t;
  t.write("proc_self/cgroup", "0::/\n");
  t.write("cgroup/memory.current", "12345\n");  // no memory.max at the root
  Sampler s(0, t.paths());
  EXPECT_EQ(s.source(), LimitSource::system);
}

TEST(MemorySampler, CgroupV2NamespacedRootWithLimit) {
  // A container with its own cgroup namespace: "0::/" and its cgroup mounted
  // at the root, which then does have memory.max.
  FakeTree t;
  t.write("proc_self/cgroup", "0::/\n");
  t.cgroup("", "memory.max", "268435456\n", "memory.current", "100000000\n", "inactive_file 1000000\n");
  Sampler s(0, t.paths());
  const Reading r = s.sample();
  EXPECT_EQ(r.source, LimitSource::cgroup);
  EXPECT_EQ(r.limit_bytes, 268435456u);
  EXPECT_EQ(r.used_bytes, 99000000u);
}

TEST(MemorySampler, CgroupV2LimitAboveMemTotalIsSystem) {
  FakeTree t;
  t.write("proc_self/cgroup", "0::/big\n");
  t.cgroup("big", "memory.max", std::to_string(kFakeMemTotal) + "\n", "memory.current", "1\n", "");
  EXPECT_EQ(Sampler(0, t.paths()).source(), LimitSource::system);
}

TEST(MemorySampler, CgroupV2WithoutUsageFileIsSystem) {
  FakeTree t;
  t.write("proc_self/cgroup", "0::/c\n");
  t.write("cgroup/c/memory.max", "1000000\n");
  EXPECT_EQ(Sampler(0, t.paths()).source(), LimitSource::system);
}

TEST(MemorySampler, CgroupV1Limited) {
  FakeTree t;
  t.write("proc_self/cgroup", "11:memory:/docker/abc\n10:cpu,cpuacct:/docker/abc\n1:name=systemd:/docker/abc\n");
  t.cgroup("memory/docker/abc", "memory.limit_in_bytes", "1073741824\n", "memory.usage_in_bytes", "600000000\n",
           "cache 1\ninactive_file 5\ntotal_inactive_file 100000000\n");
  const Reading r = Sampler(0, t.paths()).sample();
  EXPECT_EQ(r.source, LimitSource::cgroup);
  EXPECT_EQ(r.limit_bytes, 1073741824u);
  EXPECT_EQ(r.used_bytes, 500000000u);
}

TEST(MemorySampler, CgroupV1HugeNumberIsSystem) {
  FakeTree t;
  t.write("proc_self/cgroup", "4:memory:/process_api/bf858d5c\n0::/\n");
  t.cgroup("memory/process_api/bf858d5c", "memory.limit_in_bytes", "9223372036854771712\n", "memory.usage_in_bytes",
           "263749632\n", "total_inactive_file 217145344\n");
  const Reading r = Sampler(0, t.paths()).sample();
  EXPECT_EQ(r.source, LimitSource::system);
  EXPECT_EQ(r.limit_bytes, kFakeMemTotal);
}

TEST(MemorySampler, HybridPrefersV1MemoryController) {
  // Hybrid host: the unified line is "0::/" without memory.max; the memory
  // controller lives on v1.
  FakeTree t;
  t.write("proc_self/cgroup", "9:name=systemd:/\n4:cpu,memory:/svc\n0::/\n");
  t.cgroup("memory/svc", "memory.limit_in_bytes", "2147483648\n", "memory.usage_in_bytes", "1000\n",
           "total_inactive_file 10\n");
  const Reading r = Sampler(0, t.paths()).sample();
  EXPECT_EQ(r.source, LimitSource::cgroup);
  EXPECT_EQ(r.limit_bytes, 2147483648u);
  EXPECT_EQ(r.used_bytes, 990u);
}

TEST(MemorySampler, CgroupV1ContainerMountedAtBase) {
  // /proc/self/cgroup shows the host path but only the container's own
  // cgroup is mounted at <root>/memory.
  FakeTree t;
  t.write("proc_self/cgroup", "11:memory:/docker/abc\n");
  t.cgroup("memory", "memory.limit_in_bytes", "536870912\n", "memory.usage_in_bytes", "1000\n", "");
  const Reading r = Sampler(0, t.paths()).sample();
  EXPECT_EQ(r.source, LimitSource::cgroup);
  EXPECT_EQ(r.limit_bytes, 536870912u);
  EXPECT_EQ(r.used_bytes, 1000u);  // no memory.stat → inactive 0
}

TEST(MemorySampler, MemAvailableMissingUsesMemFree) {
  FakeTree t;
  t.write("meminfo", "MemTotal:        8000000 kB\nMemFree:  1000000 kB\n");
  const Reading r = Sampler(0, t.paths()).sample();
  EXPECT_EQ(r.source, LimitSource::system);
  EXPECT_EQ(r.used_bytes, 7000000ull * 1024);
}

TEST(MemorySampler, NothingReadable) {
  const SamplerPaths nowhere{"/nonexistent/keel/proc", "/nonexistent/keel/meminfo", "/nonexistent/keel/cg"};
  Sampler s(0, nowhere);
  const Reading r = s.sample();
  EXPECT_EQ(r.source, LimitSource::system);
  EXPECT_EQ(r.limit_bytes, 0u);
  EXPECT_EQ(r.rss_bytes, 0u);
  EXPECT_EQ(r.used_percent, 0.0);
}

// ------------------------------------------------------------- real /proc --

TEST(MemorySampler, RealConfiguredLimit) {
  Sampler s(256ull << 20);
  const Reading r = s.sample();
  EXPECT_EQ(r.source, LimitSource::config);
  EXPECT_EQ(r.limit_bytes, 256ull << 20);
  EXPECT_GT(r.rss_bytes, 0u);
  EXPECT_GE(r.peak_rss_bytes, r.rss_bytes);
  EXPECT_EQ(r.used_bytes, r.rss_bytes);
  EXPECT_GT(r.used_percent, 0.0);
}

TEST(MemorySampler, RealAutoLimit) {
  Sampler s(0);
  const Reading r = s.sample();
  EXPECT_NE(r.source, LimitSource::config);
  EXPECT_GT(r.limit_bytes, 0u);
  EXPECT_GT(r.used_bytes, 0u);
  EXPECT_GE(r.used_percent, 0.0);
  EXPECT_LE(r.used_percent, 100.0);
  EXPECT_GT(r.rss_bytes, 0u);
  EXPECT_GE(r.peak_rss_bytes, r.rss_bytes);
}

TEST(MemorySampler, StandaloneHelpers) {
  const std::uint64_t rss = read_rss_bytes();
  EXPECT_GT(rss, 0u);
  EXPECT_GT(read_peak_rss_bytes(), 0u);
  EXPECT_GE(read_peak_rss_bytes() + (1u << 20), rss);  // VmHWM may lag a little behind statm
}

// ---------------------------------------------------------- allocations --

TEST(MemorySampler, AllocationCounterWorks) {
  const std::size_t before = t_allocations;
  void* volatile p = ::operator new(16);  // a direct call cannot be elided
  ::operator delete(p);
  const std::size_t after_one = t_allocations;
  std::string s(100, 'x');  // beyond the small-string buffer
  const std::size_t after_two = t_allocations;
  EXPECT_EQ(s.size(), 100u);
  EXPECT_EQ(after_one, before + 1);
  EXPECT_EQ(after_two, before + 2);
}

std::size_t allocations_during_100_samples(Sampler& s) {
  std::uint64_t sink = 0;
  const std::size_t before = t_allocations;
  for (int i = 0; i < 100; ++i) sink += s.sample().used_bytes;
  const std::size_t after = t_allocations;
  EXPECT_GE(sink, 0u);
  return after - before;
}

TEST(MemorySampler, SampleDoesNotAllocate) {
  Sampler config(256ull << 20);
  EXPECT_EQ(allocations_during_100_samples(config), 0u);
  Sampler automatic(0);
  EXPECT_EQ(allocations_during_100_samples(automatic), 0u);

  FakeTree t;
  t.write("proc_self/cgroup", "0::/c\n");
  t.cgroup("c", "memory.max", "536870912\n", "memory.current", "300000000\n", "inactive_file 1000\n");
  Sampler cgroup(0, t.paths());
  ASSERT_EQ(cgroup.source(), LimitSource::cgroup);
  EXPECT_EQ(allocations_during_100_samples(cgroup), 0u);
  FakeTree t1;
  t1.write("proc_self/cgroup", "4:memory:/c\n");
  t1.cgroup("memory/c", "memory.limit_in_bytes", "536870912\n", "memory.usage_in_bytes", "300000000\n",
            "total_inactive_file 1000\n");
  Sampler cgroup_v1(0, t1.paths());
  ASSERT_EQ(cgroup_v1.source(), LimitSource::cgroup);
  EXPECT_EQ(allocations_during_100_samples(cgroup_v1), 0u);

  const std::size_t before = t_allocations;
  std::uint64_t sink = 0;
  for (int i = 0; i < 100; ++i) sink += read_rss_bytes() + read_peak_rss_bytes();
  EXPECT_EQ(t_allocations, before);
  EXPECT_GT(sink, 0u);
}

}  // namespace
