#pragma once
// Credentials a request carries, and the names of the security schemes that
// route metadata (and the OpenAPI document) refer to. Parsing only: who is
// allowed what is decided by middleware/auth (admin) and by the routers
// (a booking's token).
#include "http/http.hpp"

#include <optional>
#include <string>

namespace keel {

inline constexpr const char* kAdminKeyScheme = "AdminApiKey";       // X-API-Key: <key>
inline constexpr const char* kAdminBearerScheme = "AdminBearer";    // Authorization: Bearer <key>
inline constexpr const char* kBookingTokenScheme = "BookingToken";  // Authorization: Bearer <manage_token>
// The data feed: a data API key (KEEL_DATA_API_KEYS or the api_keys table);
// the admin key works there too.
inline constexpr const char* kDataKeyScheme = "DataApiKey";     // X-API-Key: <key>
inline constexpr const char* kDataBearerScheme = "DataBearer";  // Authorization: Bearer <key>

// The token of "Authorization: Bearer <token>" (scheme case-insensitive,
// surrounding spaces dropped); nothing when absent or empty.
std::optional<std::string> bearer_token(const Request& req);
// X-API-Key when present and not empty, else the Bearer token.
std::optional<std::string> presented_credential(const Request& req);

}  // namespace keel
