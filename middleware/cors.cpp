#include "middleware/cors.hpp"

#include <algorithm>

namespace keel {

namespace {
constexpr const char* kMethods = "GET, HEAD, POST, PATCH, DELETE, OPTIONS";
constexpr const char* kExposed =
    "Content-Length, Content-Range, Content-Disposition, ETag, Last-Modified, X-Request-ID, Retry-After";
}  // namespace

Middleware cors_middleware(std::vector<std::string> origins) {
  if (origins.empty()) return {};
  bool any = std::find(origins.begin(), origins.end(), "*") != origins.end();
  return [origins = std::move(origins), any](Request& req, const Next& next) -> awaitable<Response> {
    auto origin = req.header("Origin");
    if (!origin) co_return co_await next(req);
    bool allowed = any || std::find(origins.begin(), origins.end(), *origin) != origins.end();
    bool preflight = req.method == "OPTIONS" && req.header("Access-Control-Request-Method").has_value();
    if (preflight) {
      if (!allowed) co_return Response::error(400, "Disallowed CORS origin");
      Response r = Response::empty(204);
      r.headers.set("Access-Control-Allow-Origin", std::string(*origin));
      r.headers.set("Access-Control-Allow-Methods", kMethods);
      if (auto h = req.header("Access-Control-Request-Headers"))
        r.headers.set("Access-Control-Allow-Headers", std::string(*h));
      r.headers.set("Access-Control-Max-Age", "600");
      r.headers.set("Vary", "Origin");
      co_return r;
    }
    Response res = co_await next(req);
    if (allowed) {
      res.headers.set("Access-Control-Allow-Origin", std::string(*origin));
      res.headers.set("Access-Control-Expose-Headers", kExposed);
      res.headers.set("Vary", "Origin");
    }
    co_return res;
  };
}

}  // namespace keel
