#pragma once
// The `market` job (KEEL_JOB_MARKET_EVERY): fetches KEEL_MARKET_URL (gzip
// accepted, at most 1 MiB decoded), checks that it is JSON, and stores the
// snapshot {"fetched_at","source","data"} in Redis as keel:market:latest for
// KEEL_MARKET_TTL_S. An upstream failure throws (the job's last_error) and
// leaves the previous snapshot; with Redis down the snapshot is still kept
// in this process (ctx.market_seen) and the run fails with "redis unavailable".
#include "services/context.hpp"

namespace keel::market {

// The job's body. When the job is enabled, opens the Redis connection now:
// it is needed at every run and /api/health shows its state from the start.
jobs::Body job_body(AppContext& ctx);

}  // namespace keel::market
