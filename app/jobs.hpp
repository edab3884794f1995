#pragma once
// Which jobs this keel schedules: the real ones (market, report, data-sync)
// as their bodies exist, with the intervals of the configuration, and the
// test-only jobs when test routes are enabled (app/test_routes.hpp).
#include "services/context.hpp"

namespace keel {
void register_jobs(AppContext& ctx);
}  // namespace keel
