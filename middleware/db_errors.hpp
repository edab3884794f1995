#pragma once
#include "middleware/middleware.hpp"

namespace keel {
// Database trouble becomes a 503 the client can retry, never a 500:
// no free connection in time -> "database busy"; cannot connect, or the
// connection died mid-statement -> "database unavailable".
Middleware db_errors_middleware();
}  // namespace keel
