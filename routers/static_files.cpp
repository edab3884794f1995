#include "routers/static_files.hpp"

#include "routers/schemas.hpp"
#include "http/file/sender.hpp"
#include "http/file/mime.hpp"

#include <fmt/format.h>

#include <chrono>
#include <climits>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <cstdlib>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace keel {

std::optional<std::string> safe_relative_path(std::span<const std::string> segments) {
  std::string rel;
  for (const auto& s : segments) {
    if (s.empty() || s == "." || s == ".." || s[0] == '.') return std::nullopt;
    if (s.find_first_of(std::string("/\\\0", 3)) != std::string::npos) return std::nullopt;
    if (!rel.empty()) rel += '/';
    rel += s;
  }
  if (rel.empty()) return std::nullopt;
  return rel;
}

namespace {

// The root's real path and an open descriptor of it, per thread, checked
// again at most once a second: a deploy that swaps the static folder (a
// symlink flipped to a new release) is picked up within a second, and the
// common request costs no realpath of the root.
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
int open_beneath(int dirfd, const std::string& rel) {
  struct open_how how {};
  how.flags = O_RDONLY | O_CLOEXEC;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  return static_cast<int>(::syscall(SYS_openat2, dirfd, rel.c_str(), &how, sizeof how));
}

int regular_or_close(int fd, struct stat* st) {
  if (fd < 0) return -1;
  if (::fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

int open_inside(const std::string& root, const std::string& rel, std::string* resolved, struct stat* st_out) {
  struct stat st {};
  if (!st_out) st_out = &st;
  const RootCache* rc = resolve_root(root);
  if (!rc) return -1;
  if (!resolved) {
    int fd = open_beneath(rc->dirfd, rel);
    if (fd >= 0) return regular_or_close(fd, st_out);
    // ENOENT and friends: no such file. EXDEV/ELOOP (a symlink, perhaps an
    // absolute one that still points inside) and ENOSYS (an old kernel)
    // take the slow path below, which judges the resolved path.
    if (errno != EXDEV && errno != ELOOP && errno != ENOSYS) return -1;
  }
  char file_real[PATH_MAX];
  std::string joined = rc->real + "/" + rel;
  if (!::realpath(joined.c_str(), file_real)) return -1;
  const std::string& r = rc->real;
  std::string f(file_real);
  if (f.size() <= r.size() || f.compare(0, r.size(), r) != 0 || f[r.size()] != '/') return -1;
  // O_NOFOLLOW on the resolved path: a symlink swapped in after realpath fails.
  int fd = regular_or_close(::open(file_real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), st_out);
  if (fd >= 0 && resolved) *resolved = f;
  return fd;
}

Response serve_file_under(const Request& req, const std::string& root, std::span<const std::string> segments,
                          std::string_view cache_control) {
  auto rel = safe_relative_path(segments);
  if (!rel) throw HttpError(404, "Not Found");
  struct stat st {};
  int fd = open_inside(root, *rel, nullptr, &st);
  if (fd < 0) throw HttpError(404, "Not Found");
  auto file = std::make_shared<OpenFile>(fd);
  // "<size hex>-<mtime ns hex>", quoted: strong, and changes with any write.
  char etag[48];
  const auto mtime_ns = static_cast<unsigned long long>(st.st_mtim.tv_sec) * 1000000000ull +
                        static_cast<unsigned long long>(st.st_mtim.tv_nsec);
  const auto e = fmt::format_to_n(etag, sizeof etag, "\"{:x}-{:x}\"", static_cast<unsigned long long>(st.st_size),
                                  mtime_ns);
  file_sender::FileInfo info;
  info.size = static_cast<std::uint64_t>(st.st_size);
  info.etag = std::string_view(etag, e.size);
  info.last_modified = st.st_mtim.tv_sec;
  info.content_type = http_file::mime_type_for_path(*rel);
  info.cache_control = cache_control;
  return file_sender::serve(req, std::move(file), info);
}

void register_static_routes(Router& router, AppContext& ctx) {
  RouteSpec spec{.method = "GET", .path = "/static/{path:path}", .summary = "A static file",
                 .description = "Files under KEEL_STATIC_DIR with Range, ETag and conditional requests.",
                 .tag = "static", .operation_id = "static_file",
                 .params = {ParamSpec{.name = "path", .in = "path", .schema = {{"type", "string"}}, .required = true}}};
  spec.responses = {{200, "The file", {{"type", "string"}, {"format", "binary"}}, "application/octet-stream"},
                    {206, "Part of the file", {{"type", "string"}, {"format", "binary"}}, "application/octet-stream"},
                    {304, "Not modified", nullptr, ""},
                    schemas::error_response(404, "No such file"),
                    schemas::error_response(412, "Precondition failed"),
                    schemas::error_response(416, "Range not satisfiable")};
  router.add(spec, [&ctx](Request& req) -> awaitable<Response> {
    // Segments after "static", as decoded by the server.
    co_return serve_file_under(req, ctx.config.static_dir, std::span(req.segments).subspan(1), "public, max-age=3600");
  });
}

}  // namespace keel
