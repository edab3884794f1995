#pragma once
// JSON Schemas of responses shared across routers (for the OpenAPI document).
#include <nlohmann/json.hpp>

namespace keel::schemas {
nlohmann::json error();             // {"detail": string}
nlohmann::json validation_error();  // FastAPI's 422 shape
nlohmann::json health();
nlohmann::json memory_health();
}  // namespace keel::schemas

#include "http/router.hpp"
#include "http/validation.hpp"

namespace keel::schemas {
// A documented error response: 422 gets the validation shape, others {"detail"}.
ResponseSpec error_response(int status, std::string description);
// OpenAPI query parameters documented from a validation model's fields.
std::vector<ParamSpec> query_params(const validation::Model& model);
// Raises 422 when the issues are not empty.
void raise_if_invalid(const std::vector<ValidationIssue>& issues);
}  // namespace keel::schemas
