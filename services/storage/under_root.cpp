#include "services/storage/under_root.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdlib>

namespace keel::storage {

namespace {

// The root's real path and an open descriptor of it, per thread, checked
// again at most once a second: the common request costs no realpath of the
// root.
struct RootCache {
  std::string root;
  std::string real;
  int dirfd = -1;
  std::chrono::steady_clock::time_point checked{};
  ~RootCache() {
    if (dirfd >= 0) ::close(dirfd);
  }
};

const RootCache* resolve_root(const std::string& root) {
  thread_local RootCache cache;
  auto now = std::chrono::steady_clock::now();
  if (cache.dirfd >= 0 && cache.root == root && now - cache.checked < std::chrono::seconds(1)) return &cache;
  char real[PATH_MAX];
  if (!::realpath(root.c_str(), real)) return nullptr;
  if (cache.dirfd < 0 || cache.root != root || cache.real != real) {
    int fd = ::open(real, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return nullptr;
    if (cache.dirfd >= 0) ::close(cache.dirfd);
    cache.dirfd = fd;
    cache.root = root;
    cache.real = real;
  }
  cache.checked = now;
  return &cache;
}

// The kernel resolves rel beneath the root and refuses any step out of it
// ("..", absolute or escaping symlinks) with EXDEV: one system call.
// O_NONBLOCK: opening a FIFO someone left under the root would otherwise
// wait for a writer and hold an io thread forever; regular_file() then
// refuses it. (A regular file ignores O_NONBLOCK.)
int open_beneath(int dirfd, const std::string& rel) {
  struct open_how how {};
  how.flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  return static_cast<int>(::syscall(SYS_openat2, dirfd, rel.c_str(), &how, sizeof how));
}

}  // namespace

std::optional<OpenedFile> open_under_root(const std::string& root, const std::string& rel) {
  const RootCache* rc = resolve_root(root);
  if (!rc) return std::nullopt;
  int fd = open_beneath(rc->dirfd, rel);
  if (fd >= 0) return regular_file(fd);
  // ENOENT and friends: no such file. EXDEV/ELOOP (a symlink, perhaps an
  // absolute one that still points inside) and ENOSYS (an old kernel)
  // take the slow path below, which judges the resolved path.
  if (errno != EXDEV && errno != ELOOP && errno != ENOSYS) return std::nullopt;
  char file_real[PATH_MAX];
  std::string joined = rc->real + "/" + rel;
  if (!::realpath(joined.c_str(), file_real)) return std::nullopt;
  const std::string& r = rc->real;
  std::string f(file_real);
  if (f.size() <= r.size() || f.compare(0, r.size(), r) != 0 || f[r.size()] != '/') return std::nullopt;
  // O_NOFOLLOW on the resolved path: a symlink swapped in after realpath fails.
  return regular_file(::open(file_real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
}

}  // namespace keel::storage
