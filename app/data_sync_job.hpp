#pragma once
// The data-sync job: pulls KEEL_DATA_SOURCE_URL into KEEL_DATA_SOURCE_DATASET
// (services/datafeed/pull). A 304 is a run that changed nothing; any other
// failure fails the run with its reason and keeps the current generation.
#include "services/context.hpp"

namespace keel {
jobs::Body data_sync_job(AppContext& ctx);
}  // namespace keel
