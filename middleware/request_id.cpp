#include "middleware/request_id.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <random>

namespace keel {

bool valid_request_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string new_request_id() {
  // Request ids correlate logs; they are not secrets, so a per-thread PRNG
  // seeded from the OS is enough and costs nothing per request.
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const std::uint64_t hi = rng(), lo = rng();
  return fmt::format("{:016x}{:016x}", hi, lo);
}

Middleware request_id_middleware() {
  return [](Request& req, const Next& next) -> awaitable<Response> {
    auto incoming = req.header("X-Request-ID");
    req.request_id = (incoming && valid_request_id(*incoming)) ? std::string(*incoming) : new_request_id();
    Response res = co_await next(req);
    res.headers.set("X-Request-ID", req.request_id);
    co_return res;
  };
}

}  // namespace keel
