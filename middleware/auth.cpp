#include "middleware/auth.hpp"

#include "http/router.hpp"
#include "services/crypto/constant_time.hpp"

#include <algorithm>

namespace keel {

namespace {
bool admin_only(const RouteSpec& spec) {
  const auto& s = spec.security;
  if (s.empty()) return false;
  // Booking routes and data routes decide for themselves (routers/booking_access, middleware/data_key).
  return std::none_of(s.begin(), s.end(), [](const std::string& n) {
    return n == kBookingTokenScheme || n == kDataKeyScheme || n == kDataBearerScheme;
  });
}
}  // namespace

Guard auth_guard(std::string admin_key) {
  return [admin_key = std::move(admin_key)](Request& req) -> std::optional<Response> {
    auto cred = presented_credential(req);
    req.is_admin = !admin_key.empty() && cred && constant_time_equals(*cred, admin_key);
    if (req.route && admin_only(req.route->spec) && !req.is_admin) {
      if (admin_key.empty()) return Response::error(503, "admin access not configured");
      if (!cred) {
        Response r = Response::error(401, "Not authenticated");
        r.headers.set("WWW-Authenticate", "Bearer");
        return r;
      }
      return Response::error(403, "invalid API key");
    }
    return std::nullopt;
  };
}

}  // namespace keel
