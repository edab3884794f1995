#pragma once
#include "middleware/middleware.hpp"

#include <atomic>
#include <cstdint>

namespace keel {
// Turns every failure into a JSON response and keeps the server serving:
// HttpError -> its status and {"detail": ...}; database trouble -> 503
// (db_errors.hpp); std::bad_alloc -> 503 (after
// malloc_trim, counted); anything else -> 500 with the request id, logged.
// ClientGone passes through: nobody is there to answer.
// (An HttpError's answer is render_http_error, in http/http.hpp.)
Middleware error_catcher_middleware(ErrorCounters& counters);
}  // namespace keel
