#include "middleware/error_catcher.hpp"

#include "middleware/db_errors.hpp"

#include <malloc.h>
#include <spdlog/spdlog.h>

#include <new>

namespace keel {

Middleware error_catcher_middleware(ErrorCounters& counters) {
  return [&counters](Request& req, const Next& next) -> awaitable<Response> {
    std::optional<Response> failed;
    try {
      co_return co_await next(req);
    } catch (const HttpError& e) {
      failed = render_http_error(e);
      if (e.status == 408) failed->close = true;
    } catch (const ClientGone&) { throw; } catch (const std::bad_alloc&) {
      counters.alloc_failures_total++;
      ::malloc_trim(0);
      spdlog::error("{} {} allocation failed; answered 503 rid={}", req.method, req.path, req.request_id);
      failed = Response::error(503, "server under memory pressure, retry later");
      failed->headers.set("Retry-After", "5");
    } catch (const std::exception& e) {
      failed = db_error_response(e, req);  // DB trouble: a retryable 503
      if (!failed) {
        counters.internal_errors_total++;
        spdlog::error("{} {} failed: {} rid={}", req.method, req.path, e.what(), req.request_id);
        failed =
            Response::json(500, nlohmann::json{{"detail", "Internal Server Error"}, {"request_id", req.request_id}});
      }
    }
    co_return std::move(*failed);
  };
}

}  // namespace keel
