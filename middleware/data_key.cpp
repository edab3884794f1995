#include "middleware/data_key.hpp"

#include "http/credentials.hpp"
#include "http/router.hpp"

#include <algorithm>

namespace keel {

namespace {
bool data_route(const Request& req) {
  if (!req.route) return false;
  const auto& s = req.route->spec.security;
  return std::find(s.begin(), s.end(), kDataKeyScheme) != s.end();
}

void add_rate_headers(Headers& h, std::uint64_t limit, const api_keys::BucketDecision& d) {
  h.set("RateLimit-Limit", std::to_string(limit));
  h.set("RateLimit-Remaining", std::to_string(d.remaining));
  h.set("RateLimit-Reset", std::to_string(d.reset_seconds));
}

awaitable<Response> answered(Response r) { co_return r; }

awaitable<Response> limited(Request& req, const Next& next, std::uint64_t limit, api_keys::BucketDecision d) {
  try {
    Response res = co_await next(req);
    add_rate_headers(res.headers, limit, d);
    co_return res;
  } catch (HttpError& e) {
    add_rate_headers(e.headers, limit, d);
    throw;
  }
}
}  // namespace

Middleware data_key_middleware(const api_keys::Registry& keys, api_keys::RateLimiter& limits) {
  // Not a coroutine itself: it hands on the awaitable of what answers.
  return [&keys, &limits](Request& req, const Next& next) -> awaitable<Response> {
    if (!data_route(req) || req.is_admin) return next(req);
    auto cred = presented_credential(req);
    if (!cred) {
      Response r = Response::error(401, "Not authenticated");
      r.headers.set("WWW-Authenticate", "Bearer");
      return answered(std::move(r));
    }
    auto key = keys.lookup(*cred);
    if (!key) return answered(Response::error(403, "invalid API key"));
    api_keys::BucketDecision d = limits.take(key->id, key->rate_per_minute);
    if (!d.allowed) {
      Response r = Response::error(429, "rate limit exceeded");
      r.headers.set("Retry-After", std::to_string(d.retry_after));
      add_rate_headers(r.headers, key->rate_per_minute, d);
      return answered(std::move(r));
    }
    return limited(req, next, key->rate_per_minute, d);
  };
}

}  // namespace keel
