#pragma once
#include "middleware/middleware.hpp"

#include <exception>
#include <optional>

namespace keel {
// Database trouble becomes a 503 the client can retry, never a 500:
// no free connection in time -> "database busy"; cannot connect, or the
// connection died mid-statement -> "database unavailable". Returns nothing
// for any other failure (a SQL error that is not about the connection is a
// bug: the error catcher makes it a 500). The error catcher asks this
// first, inside its one try block, so DB errors cost no layer of their own.
std::optional<Response> db_error_response(const std::exception& e, const Request& req);
}  // namespace keel
