#include "routers/docs.hpp"

#include "http/credentials.hpp"
#include "http/file/conditional.hpp"
#include "http/file/mime.hpp"
#include "http/file/sender.hpp"
#include "http/openapi.hpp"
#include "http/random_id.hpp"
#include "routers/schemas.hpp"
#include "routers/static_files.hpp"
#include "services/crypto/sha256.hpp"
#include "services/docs/assets.hpp"

#include <spdlog/spdlog.h>

#include <memory>

namespace keel {

namespace {

using nlohmann::json;

// The pages' only inline scripts; the Content-Security-Policy allows
// exactly these (by hash), scripts from keel, and nothing from elsewhere.
const char* const kSwaggerInit = R"(
window.ui = SwaggerUIBundle({
  url: "openapi.json",
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  displayRequestDuration: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis]
});
)";

const char* const kRedocInit = R"(
Redoc.init("openapi.json", { expandResponses: "200,201", hideDownloadButton: false },
           document.getElementById("redoc-container"));
)";

std::string swagger_html(const std::string& v) {
  return R"(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>keel - Swagger UI</title>
<link rel="icon" type="image/png" href="docs/assets/favicon-32x32.png?v=)" +
         v + R"(">
<link rel="stylesheet" href="docs/assets/swagger-ui.css?v=)" +
         v + R"(">
</head>
<body>
<div id="swagger-ui"></div>
<script src="docs/assets/swagger-ui-bundle.js?v=)" +
         v + R"("></script>
<script>)" +
         kSwaggerInit + R"(</script>
</body>
</html>
)";
}

std::string redoc_html(const std::string& v) {
  return R"(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>keel - ReDoc</title>
<link rel="icon" type="image/png" href="docs/assets/favicon-32x32.png?v=)" +
         v + R"(">
<style>body { margin: 0; padding: 0; }</style>
</head>
<body>
<div id="redoc-container"></div>
<script src="docs/assets/redoc.standalone.js?v=)" +
         v + R"("></script>
<script>)" +
         kRedocInit + R"(</script>
</body>
</html>
)";
}

// 'sha256-<base64>' of an inline script, for script-src.
std::string csp_hash(std::string_view script) {
  Sha256Digest d = Sha256().update(script).finish();
  std::string b = base64url_encode(d.data(), d.size());
  for (auto& c : b) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (b.size() % 4) b += '=';
  return "'sha256-" + b + "'";
}

// Only keel's own origin: the pages work offline and leak nothing to a CDN
// (ReDoc's sidebar would otherwise fetch a logo from one). Inline styles
// are needed by both UIs; ReDoc's search runs in a blob: worker.
std::string content_security_policy(std::string_view inline_script) {
  return "default-src 'self'; script-src 'self' " + csp_hash(inline_script) +
         "; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
         "worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'";
}

struct Page {
  std::string html;
  std::string csp;
};

Response html_page(const std::string& assets_dir, const Page& page) {
  if (assets_dir.empty())
    throw HttpError(503, "API docs assets are not installed: run scripts/docs-assets, or set KEEL_DOCS_ASSETS_DIR");
  Response r = Response::text(200, page.html, "text/html; charset=utf-8");
  r.headers.set("Cache-Control", "no-cache");
  r.headers.set("Content-Security-Policy", page.csp);
  r.headers.set("X-Content-Type-Options", "nosniff");
  r.headers.set("Referrer-Policy", "no-referrer");
  return r;
}

}  // namespace

json openapi_document(const Router& router, std::vector<std::string>* warnings) {
  openapi::Info info;
  info.title = "keel";
  info.version = KEEL_VERSION;
  info.summary = "Bookings backend with flat, small memory";
  info.description =
      "Create and manage bookings, upload documents and audio, stream files with HTTP ranges, download booking "
      "PDFs.\n\n"
      "**Authentication.** Admin routes take the admin key as `X-API-Key: <key>` or `Authorization: Bearer <key>`. "
      "A booking's `manage_token` (returned once, by `POST /api/bookings`) is sent as `Authorization: Bearer "
      "<manage_token>` to read, cancel or upload for that booking. The data feed (`/fetch-data`, `/api/datasets`) "
      "takes a data API key the same two ways; the admin key works there too.\n\n"
      "**Errors** are JSON: `{\"detail\": \"...\"}`, and for validation errors (422) "
      "`{\"detail\": [{\"loc\": [...], \"msg\": \"...\", \"type\": \"...\"}]}`.";
  info.security_schemes = {
      {kAdminKeyScheme,
       {{"type", "apiKey"},
        {"in", "header"},
        {"name", "X-API-Key"},
        {"description", "The admin key (KEEL_ADMIN_API_KEY)."}}},
      {kAdminBearerScheme,
       {{"type", "http"}, {"scheme", "bearer"}, {"description", "The admin key as a bearer token."}}},
      {kBookingTokenScheme,
       {{"type", "http"},
        {"scheme", "bearer"},
        {"description", "A booking's manage_token, returned once by POST /api/bookings."}}},
      {kDataKeyScheme,
       {{"type", "apiKey"},
        {"in", "header"},
        {"name", "X-API-Key"},
        {"description",
         "A data API key (KEEL_DATA_API_KEYS, or made by POST /api/admin/api-keys); the admin key works too."}}},
      {kDataBearerScheme,
       {{"type", "http"}, {"scheme", "bearer"}, {"description", "A data API key as a bearer token."}}},
  };
  info.tags = {
      {"bookings", "Create, read and cancel a booking with its manage_token."},
      {"services", "The service catalogue: what can be booked, for how long, and when."},
      {"uploads", "Documents and audio, streamed to disk; downloads with Range and ETag."},
      {"admin", "Back office: list, change and report bookings. Needs the admin key."},
      {"health", "Liveness, database and memory."},
      {"static", "Files under KEEL_STATIC_DIR."},
      {"data", "The data feed: partner CSVs as datasets, paged with an API key (X-API-Key or Bearer)."},
      {"market", "Market indices: the snapshot the market job keeps in Redis."},
  };
  info.validation_error_schema = schemas::validation_error();
  return openapi::document(router, info, warnings);
}

void register_docs_routes(Router& router, AppContext& ctx) {
  if (!ctx.config.docs) return;

  std::vector<std::string> warnings;
  auto doc = std::make_shared<const std::string>(openapi_document(router, &warnings).dump());
  for (const auto& w : warnings) spdlog::warn("openapi: {}", w);
  auto doc_etag = std::make_shared<const std::string>("\"" + sha256_hex(*doc).substr(0, 32) + "\"");

  std::string assets_dir = find_docs_assets_dir(ctx.config.docs_assets_dir);
  if (assets_dir.empty()) {
    spdlog::warn(
        "API docs: Swagger UI / ReDoc assets not found ({}); /docs and /redoc answer 503 until "
        "scripts/docs-assets has run",
        ctx.config.docs_assets_dir.empty() ? "looked next to the executable, in ./docs/assets and the source tree"
                                           : "KEEL_DOCS_ASSETS_DIR=" + ctx.config.docs_assets_dir);
  } else {
    spdlog::debug("API docs: assets in {}", assets_dir);
  }
  const std::string token = docs_assets_token(assets_dir);
  auto swagger = std::make_shared<const Page>(Page{swagger_html(token), content_security_policy(kSwaggerInit)});
  auto redoc = std::make_shared<const Page>(Page{redoc_html(token), content_security_policy(kRedocInit)});

  auto hidden = [](std::string path, std::string summary) {
    RouteSpec s{.method = "GET", .path = std::move(path), .summary = std::move(summary), .tag = "docs"};
    s.include_in_schema = false;
    return s;
  };

  router.add(hidden("/openapi.json", "The OpenAPI 3.1 document"), [doc, doc_etag](Request& req) -> awaitable<Response> {
    std::string inm(req.header("If-None-Match").value_or(""));
    http_file::Precondition pre = http_file::evaluate_preconditions(
        req.is_head() ? http_file::Method::head : http_file::Method::get, {.if_none_match = inm}, {.etag = *doc_etag});
    Response r = pre == http_file::Precondition::not_modified ? Response::empty(304)
                                                              : Response::text(200, *doc, "application/json");
    r.headers.set("ETag", *doc_etag);
    r.headers.set("Cache-Control", "no-cache");
    co_return r;
  });

  router.add(hidden("/docs", "Swagger UI"),
             [assets_dir, swagger](Request&) -> awaitable<Response> { co_return html_page(assets_dir, *swagger); });
  router.add(hidden("/redoc", "ReDoc"),
             [assets_dir, redoc](Request&) -> awaitable<Response> { co_return html_page(assets_dir, *redoc); });

  router.add(hidden("/docs/assets/{path:path}", "Swagger UI and ReDoc files"),
             [assets_dir, token](Request& req) -> awaitable<Response> {
               if (assets_dir.empty()) throw HttpError(404, "Not Found");
               // Segments after "docs", "assets", as decoded by the server.
               auto segs = std::span(req.segments).subspan(2);
               // The pages ask for ?v=<token of the current files>: such a URL
               // never changes content, so it may be cached for a year.
               auto v = req.query_param("v");
               std::string_view cache = v && *v == token ? "public, max-age=31536000, immutable" : "public, no-cache";
               co_return serve_file_under(req, assets_dir, segs, cache);
             });
}

}  // namespace keel
