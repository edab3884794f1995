#pragma once
// The service catalogue's JSON: the Service a client sees, and the checks of
// a POST or PATCH body (FastAPI-shaped issues, loc ["body", field, ...]) with
// the JSON Schemas that document them.
#include "http/http.hpp"
#include "services/catalogue/model.hpp"

#include <nlohmann/json.hpp>

#include <vector>

namespace keel::service_schemas {

// {"slug", "name", "description", "durations", "buffer_before_min",
//  "buffer_after_min", "slot_step_min", "active", "opening_hours" (all seven
//  days), "closed_dates" (ascending)}
nlohmann::json to_json(const catalogue::Service& s);

nlohmann::json service_schema();  // the answer's Service
nlohmann::json list_schema();     // {"services": [Service, ...]}
nlohmann::json create_schema();   // a POST body
nlohmann::json patch_schema();    // a PATCH body

// A body checked: the service it describes when `issues` is empty.
struct Checked {
  catalogue::Service service;
  std::vector<ValidationIssue> issues;
};

// A POST body: slug, name, durations and opening_hours required (a day left
// out of opening_hours is closed); description "", buffers 0, slot_step_min
// 15, active true and closed_dates [] by default.
Checked check_create(const nlohmann::json& body);

// A PATCH body: its fields replace the stored ones (opening_hours day by
// day: a day left out keeps its hours), then the whole is checked as a POST
// body is. The slug may be repeated but not changed.
Checked check_patch(const catalogue::Service& stored, const nlohmann::json& patch);

}  // namespace keel::service_schemas
