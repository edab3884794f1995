#pragma once
#include "services/context.hpp"
#include "http/router.hpp"

namespace keel {
// Routes for tests only: compiled with -DKEEL_TEST_ROUTES and registered only
// when KEEL_ENABLE_TEST_ROUTES=1. Never in the OpenAPI document.
void register_test_routes(Router& router, AppContext& ctx);
}  // namespace keel
