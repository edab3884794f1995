#include "routers/static_files.hpp"

#include "routers/schemas.hpp"
#include "services/file_sender/file_sender.hpp"
#include "services/http_file/mime.hpp"

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace keel {

std::optional<std::string> safe_relative_path(const std::vector<std::string>& segments) {
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

int open_inside(const std::string& root, const std::string& rel, std::string* resolved) {
  char root_real[PATH_MAX], file_real[PATH_MAX];
  if (!::realpath(root.c_str(), root_real)) return -1;
  std::string joined = std::string(root_real) + "/" + rel;
  if (!::realpath(joined.c_str(), file_real)) return -1;
  std::string r(root_real), f(file_real);
  if (f.size() <= r.size() || f.compare(0, r.size(), r) != 0 || f[r.size()] != '/') return -1;
  // O_NOFOLLOW on the resolved path: a symlink swapped in after realpath fails.
  int fd = ::open(file_real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return -1;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return -1;
  }
  if (resolved) *resolved = f;
  return fd;
}

Response serve_file_under(const Request& req, const std::string& root, const std::vector<std::string>& segments,
                          std::string cache_control) {
  auto rel = safe_relative_path(segments);
  if (!rel) throw HttpError(404, "Not Found");
  int fd = open_inside(root, *rel);
  if (fd < 0) throw HttpError(404, "Not Found");
  auto file = std::make_shared<OpenFile>(fd);
  struct stat st {};
  ::fstat(fd, &st);
  char etag[64];
  std::snprintf(etag, sizeof etag, "\"%llx-%llx\"", static_cast<unsigned long long>(st.st_size),
                static_cast<unsigned long long>(st.st_mtim.tv_sec) * 1000000000ull +
                    static_cast<unsigned long long>(st.st_mtim.tv_nsec));
  file_sender::FileInfo info;
  info.size = static_cast<std::uint64_t>(st.st_size);
  info.etag = etag;
  info.last_modified = st.st_mtim.tv_sec;
  info.content_type = std::string(http_file::mime_type_for_path(*rel));
  info.cache_control = std::move(cache_control);
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
    std::vector<std::string> segs(req.segments.begin() + 1, req.segments.end());
    co_return serve_file_under(req, ctx.config.static_dir, segs, "public, max-age=3600");
  });
}

}  // namespace keel
