#include "middleware/db_errors.hpp"

#include "services/db/errors.hpp"

#include <cppconn/exception.h>
#include <spdlog/spdlog.h>

namespace keel {

std::optional<Response> db_error_response(const std::exception& e, const Request& req) {
  std::string detail;
  if (dynamic_cast<const db::PoolTimeout*>(&e)) {
    detail = "database busy";
  } else if (dynamic_cast<const db::DbUnavailable*>(&e)) {
    spdlog::warn("{} {}: database unavailable: {} rid={}", req.method, req.path, e.what(), req.request_id);
    detail = "database unavailable";
  } else if (const auto* sqle = dynamic_cast<const sql::SQLException*>(&e)) {
    // Lost connections (2006/2013/2055) and server-side unavailability are
    // retryable; any other SQL error is a bug.
    int code = sqle->getErrorCode();
    if (!db::is_connection_lost(code) && code != 2002 && code != 2003 && code != 1053 && code != 1927) return std::nullopt;
    spdlog::warn("{} {}: database connection lost ({}): {} rid={}", req.method, req.path, code, e.what(), req.request_id);
    detail = "database unavailable";
  } else {
    return std::nullopt;
  }
  Response r = Response::error(503, detail);
  r.headers.set("Retry-After", "1");
  return r;
}

}  // namespace keel
