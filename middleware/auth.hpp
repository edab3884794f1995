#pragma once
#include "http/credentials.hpp"
#include "middleware/middleware.hpp"

#include <optional>
#include <string>

namespace keel {

// Marks admin requests (constant-time comparison with KEEL_ADMIN_API_KEY).
// On admin-only routes it decides before any parameter validation or body
// read: no key configured -> 503, missing -> 401, wrong -> 403.
Guard auth_guard(std::string admin_key);

}  // namespace keel
