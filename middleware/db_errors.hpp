#pragma once
#include "middleware/middleware.hpp"

#include <exception>
#include <optional>

namespace keel {
// Database trouble becomes a 503 the client can retry, never a 500:
// db::PoolTimeout (no free connection in time) -> "database busy";
// db::DbUnavailable (cannot connect, or the connection or the server went
// away mid-statement: services/db turns the driver's errors into it) ->
// "database unavailable". Returns nothing for any other failure (a SQL
// error that is not about the connection is a bug: the error catcher makes
// it a 500). The error catcher asks this first, inside its one try block,
// so DB errors cost no layer of their own.
std::optional<Response> db_error_response(const std::exception& e, const Request& req);
}  // namespace keel
