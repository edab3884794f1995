#pragma once
#include "middleware/middleware.hpp"

#include <string>

namespace keel {
// One line per request through spdlog: method, path, status, bytes, duration,
// request id, instance; text or JSON (KEEL_LOG_FORMAT). A client that left mid-request
// is logged with status 499. Left out of the chain when the log level is
// above info (like nginx's access_log off).
// instance: this keel's name (read per request: it is set once the port is
// known, before serving).
Middleware access_log_middleware(bool json, const std::string* instance);
}  // namespace keel
