#pragma once
// The data API keys of the table, loaded into ctx.api_keys at start and
// again every 2 s, so a key made or revoked on another instance (or in the
// database by hand) holds here within the 5 s the contract allows.
#include "services/context.hpp"

namespace keel {

// Starts the refresh loop on ctx.io_executor (the query runs on the
// database pool); stops with ctx.stopping. Keeps the last snapshot while
// the database is unreachable or its schema is not current.
void watch_api_keys(AppContext& ctx);

}  // namespace keel
