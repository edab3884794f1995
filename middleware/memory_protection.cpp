#include "middleware/memory_protection.hpp"

namespace keel {

Middleware memory_protection_middleware(memory::Monitor& monitor) {
  return [&monitor](Request& req, const Next& next) -> awaitable<Response> {
    if (monitor.state() == memory::State::critical && req.path != "/api/health" && req.path != "/api/health/memory") {
      monitor.count_rejection();
      Response r = Response::error(503, "server under memory pressure, retry later");
      r.headers.set("Retry-After", "5");
      co_return r;
    }
    co_return co_await next(req);
  };
}

}  // namespace keel
