#pragma once
#include "middleware/middleware.hpp"

namespace keel {
// One line per request through spdlog: method, path, status, bytes, duration,
// request id; text or JSON (KEEL_LOG_FORMAT). A client that left mid-request
// is logged with status 499.
Middleware access_log_middleware(bool json);
}  // namespace keel
