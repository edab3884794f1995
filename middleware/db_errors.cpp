#include "middleware/db_errors.hpp"

#include "services/db/errors.hpp"

#include <spdlog/spdlog.h>

namespace keel {

std::optional<Response> db_error_response(const std::exception& e, const Request& req) {
  std::string detail;
  if (dynamic_cast<const db::PoolTimeout*>(&e)) {
    detail = "database busy";
  } else if (dynamic_cast<const db::TransactionConflict*>(&e)) {
    spdlog::warn("{} {}: {} rid={}", req.method, req.path, e.what(), req.request_id);
    detail = "database busy";
  } else if (dynamic_cast<const db::DbUnavailable*>(&e)) {
    spdlog::warn("{} {}: database unavailable: {} rid={}", req.method, req.path, e.what(), req.request_id);
    detail = "database unavailable";
  } else {
    return std::nullopt;
  }
  Response r = Response::error(503, detail);
  r.headers.set("Retry-After", "1");
  return r;
}

}  // namespace keel
