#pragma once
// While the database is unreachable at start, its schema is checked again in
// the background until it is current (services/db/schema_check does the
// checking).
#include "services/context.hpp"
#include "services/db/schema_check.hpp"
#include "services/db/url.hpp"

namespace keel {

// Re-checks every 2 s until the schema is current (io side; the check runs
// on the blocking pool).
void watch_schema(AppContext& ctx, const db::DbUrl& url);

}  // namespace keel
