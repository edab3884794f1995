#pragma once
#include "middleware/middleware.hpp"

#include <optional>
#include <string>

namespace keel {

// Security scheme names used in route metadata (and in the OpenAPI document).
inline constexpr const char* kAdminKeyScheme = "AdminApiKey";        // X-API-Key: <key>
inline constexpr const char* kAdminBearerScheme = "AdminBearer";     // Authorization: Bearer <key>
inline constexpr const char* kBookingTokenScheme = "BookingToken";   // Authorization: Bearer <manage_token>

// The credential a request carries: X-API-Key, else a Bearer token.
std::optional<std::string> bearer_token(const Request& req);
std::optional<std::string> presented_credential(const Request& req);

// Marks admin requests (constant-time comparison with KEEL_ADMIN_API_KEY).
// On admin-only routes it decides before any parameter validation or body
// read: no key configured -> 503, missing -> 401, wrong -> 403.
Guard auth_middleware(std::string admin_key);

}  // namespace keel
