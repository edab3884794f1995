#pragma once
#include "middleware/middleware.hpp"

namespace keel {
// One line per request through spdlog: method, path, status, bytes, duration,
// request id; text or JSON (KEEL_LOG_FORMAT). A client that left mid-request
// is logged with status 499. Left out of the chain when the log level is
// above info (like nginx's access_log off).
Middleware access_log_middleware(bool json);
}  // namespace keel
