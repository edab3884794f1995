#pragma once
// Input models and response schemas of the data-feed routes.
#include "http/router.hpp"
#include "http/validation.hpp"

#include <nlohmann/json.hpp>

namespace keel::dataset_schemas {

// limit, offset, generation; with_feed adds /fetch-data's dataset and metadata_only.
const validation::Model& page_query_model(bool with_feed);
// delimiter, encoding, max_bad_rows of a sync.
const validation::Model& sync_query_model();

nlohmann::json page();          // a page of records
nlohmann::json meta();          // meta.json (the sync report of the current generation)
nlohmann::json sync_report();   // PUT's answer
nlohmann::json dataset_list();  // GET /api/datasets
ParamSpec name_param();
// 422 in FastAPI's shape for a dataset name that is not [a-z0-9][a-z0-9_-]{0,63};
// `where` is "path" or "query".
[[noreturn]] void raise_bad_name(const char* where, const char* param);

}  // namespace keel::dataset_schemas
