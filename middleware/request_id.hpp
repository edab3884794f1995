#pragma once
#include "middleware/middleware.hpp"

namespace keel {
// Accepts an incoming X-Request-ID of 1-128 characters from [A-Za-z0-9._-],
// otherwise makes one; echoes it on the response.
bool valid_request_id(std::string_view id);
std::string new_request_id();
Middleware request_id_middleware();
}  // namespace keel
