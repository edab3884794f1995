#include "middleware/db_errors.hpp"

#include "services/db/errors.hpp"

#include <cppconn/exception.h>
#include <spdlog/spdlog.h>

namespace keel {

Middleware db_errors_middleware() {
  return [](Request& req, const Next& next) -> awaitable<Response> {
    std::optional<std::string> detail;
    try {
      co_return co_await next(req);
    } catch (const db::PoolTimeout&) {
      detail = "database busy";
    } catch (const db::DbUnavailable& e) {
      spdlog::warn("{} {}: database unavailable: {} rid={}", req.method, req.path, e.what(), req.request_id);
      detail = "database unavailable";
    } catch (const sql::SQLException& e) {
      // Lost connections (2006/2013/2055) and server-side unavailability are
      // retryable; any other SQL error is a bug: let the catcher make a 500.
      int code = e.getErrorCode();
      if (!db::is_connection_lost(code) && code != 2002 && code != 2003 && code != 1053 && code != 1927) throw;
      spdlog::warn("{} {}: database connection lost ({}): {} rid={}", req.method, req.path, code, e.what(), req.request_id);
      detail = "database unavailable";
    }
    Response r = Response::error(503, *detail);
    r.headers.set("Retry-After", "1");
    co_return r;
  };
}

}  // namespace keel
