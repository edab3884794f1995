#pragma once
// Routes for tests only (one throws bad_alloc, one holds a database
// connection, ...). They live with the tests, in tests/support/
// test_routes.cpp, which CMake compiles into keel_app only when
// KEEL_TEST_ROUTES is ON; App registers them when KEEL_ENABLE_TEST_ROUTES=1.
// Never in the OpenAPI document.
#include "http/router.hpp"
#include "services/context.hpp"

namespace keel {
void register_test_routes(Router& router, AppContext& ctx);
// Test-only jobs (tests/support/test_jobs.cpp): `test-sleep`, driven by
// KEEL_TEST_JOB_* and KEEL_JOB_TEST_SLEEP_* variables.
void register_test_jobs(AppContext& ctx);
}  // namespace keel
