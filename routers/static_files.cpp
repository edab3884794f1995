#include "routers/static_files.hpp"

#include "http/file/mime.hpp"
#include "http/file/sender.hpp"
#include "routers/schemas.hpp"
#include "services/storage/under_root.hpp"

#include <charconv>

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

Response serve_file_under(const Request& req, const std::string& root, std::span<const std::string> segments,
                          std::string_view cache_control) {
  auto rel = safe_relative_path(segments);
  if (!rel) throw HttpError(404, "Not Found");
  std::optional<storage::OpenedFile> f = storage::open_under_root(root, *rel);
  if (!f) throw HttpError(404, "Not Found");
  // "<size hex>-<mtime ns hex>", quoted: strong, and changes with any write.
  char etag[48];
  const auto mtime_ns =
      static_cast<unsigned long long>(f->modified_s) * 1000000000ull + static_cast<unsigned long long>(f->modified_ns);
  char* end = etag;
  *end++ = '"';
  end = std::to_chars(end, etag + sizeof etag, static_cast<unsigned long long>(f->size), 16).ptr;
  *end++ = '-';
  end = std::to_chars(end, etag + sizeof etag, mtime_ns, 16).ptr;
  *end++ = '"';
  file_sender::FileInfo info;
  info.size = f->size;
  info.etag = std::string_view(etag, static_cast<std::size_t>(end - etag));
  info.last_modified = f->modified_s;
  info.content_type = http_file::mime_type_for_path(*rel);
  info.cache_control = cache_control;
  return file_sender::serve(req, std::move(f->file), info);
}

void register_static_routes(Router& router, AppContext& ctx) {
  RouteSpec spec{.method = "GET",
                 .path = "/static/{path:path}",
                 .summary = "A static file",
                 .description = "Files under KEEL_STATIC_DIR with Range, ETag and conditional requests.",
                 .tag = "static",
                 .operation_id = "static_file",
                 .params = {ParamSpec{.name = "path", .in = "path", .schema = {{"type", "string"}}, .required = true}}};
  spec.responses = schemas::file_responses("No such file");
  router.add(spec, [&ctx](Request& req) -> awaitable<Response> {
    // Segments after "static", as decoded by the server.
    co_return serve_file_under(req, ctx.config.static_dir, std::span(req.segments).subspan(1), "public, max-age=3600");
  });
}

}  // namespace keel
