#include "middleware/memory_protection.hpp"

#include "http/router.hpp"

namespace keel {

Guard memory_protection_guard(memory::Monitor& monitor) {
  return [&monitor](Request& req) -> std::optional<Response> {
    if (monitor.state() != memory::State::critical || (req.route && !req.route->spec.memory_guard)) return std::nullopt;
    monitor.count_rejection();
    Response r = Response::error(503, "server under memory pressure, retry later");
    r.headers.set("Retry-After", "5");
    return r;
  };
}

}  // namespace keel
