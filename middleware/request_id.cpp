#include "middleware/request_id.hpp"

#include <random>

namespace keel {

bool valid_request_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string new_request_id() {
  // Request ids correlate logs; they are not secrets, so a per-thread PRNG
  // seeded from the OS is enough and costs nothing per request.
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(32, '0');
  for (int half = 0; half < 2; ++half) {
    std::uint64_t v = rng();
    for (int i = 15; i >= 0; --i, v >>= 4) id[static_cast<std::size_t>(half * 16 + i)] = kHex[v & 0xf];
  }
  return id;
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
