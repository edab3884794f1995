#pragma once
#include "middleware/middleware.hpp"

#include <string>
#include <vector>

namespace keel {
// CORS for the origins in KEEL_CORS_ORIGINS ("*" allows any). Preflight
// (OPTIONS with Access-Control-Request-Method) is answered here, before
// routing and auth; simple requests get Access-Control-Allow-Origin.
// With no origins configured there is nothing to do: it returns an empty
// Middleware, which the chain leaves out.
Middleware cors_middleware(std::vector<std::string> origins);
}  // namespace keel
