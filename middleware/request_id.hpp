#pragma once
#include "middleware/middleware.hpp"

namespace keel {
// Accepts an incoming X-Request-ID of 1-128 characters from [A-Za-z0-9._-],
// otherwise makes one, as req.request_id; the server writes it back on the
// response (a guard, not a wrapper: no coroutine frame, no header copy).
bool valid_request_id(std::string_view id);
std::string new_request_id();
Guard request_id_guard();
}  // namespace keel
