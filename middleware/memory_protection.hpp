#pragma once
#include "middleware/middleware.hpp"
#include "services/memory/monitor.hpp"

namespace keel {
// In the critical memory state every request gets 503 with Retry-After
// before any body byte is read, and is counted; except on routes that opt
// out (RouteSpec::memory_guard = false: the health endpoints). Uploads
// already streaming are not interrupted (their requests passed here).
Guard memory_protection_guard(memory::Monitor& monitor);
}  // namespace keel
