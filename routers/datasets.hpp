#pragma once
#include "http/router.hpp"
#include "services/context.hpp"

namespace keel {
// The data feed, read with an API key: GET /fetch-data (the original's
// contract), GET /api/datasets, /api/datasets/{name}, .../records and
// .../records.jsonl.
void register_dataset_routes(Router& router, AppContext& ctx);
// PUT and DELETE /api/admin/datasets/{name} (admin): a sync from the request
// body, and removal.
void register_admin_dataset_routes(Router& router, AppContext& ctx);
}  // namespace keel
