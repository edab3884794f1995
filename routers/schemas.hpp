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

#include <cstdint>
#include <string>
#include <vector>

namespace keel::schemas {
// A documented error response: 422 gets the validation shape, others {"detail"}.
ResponseSpec error_response(int status, std::string description);

// Who may call a route (RouteSpec::security; any one scheme suffices).
std::vector<std::string> admin_security();    // the admin key, as X-API-Key or as a bearer token
std::vector<std::string> booking_security();  // a booking's manage_token, or the admin key
std::vector<std::string> data_security();     // a data API key (or the admin key), as X-API-Key or bearer

// A route's documented answers: `own` (its success and its own errors),
// then those every route of its kind shares.
// Admin-only routes (middleware/auth answers first): 401 no admin key,
// 403 wrong admin key, 503 admin access not configured, or `unavailable`.
std::vector<ResponseSpec> admin_responses(std::vector<ResponseSpec> own,
                                          const std::string& unavailable = "the database is unavailable");
// A booking's own routes ({id:int}; its token holder or an admin,
// routers/booking_access): 401 no credentials, 404 no such booking or not
// granted, 422 a bad id, 503 `unavailable`.
std::vector<ResponseSpec> booking_responses(std::vector<ResponseSpec> own,
                                            const std::string& unavailable = "Database unavailable or busy");
// A file download with Range and conditional requests: 200, 206, 304, and
// 404 (`missing`), 412, 416.
std::vector<ResponseSpec> file_responses(const std::string& missing);
// The {id:int} path parameter of a booking's routes.
ParamSpec booking_id_param();
// The value of an {id:int} path parameter (the router matched its digits).
std::int64_t id_param(const Request& req);

// OpenAPI query parameters documented from a validation model's fields.
std::vector<ParamSpec> query_params(const validation::Model& model);
// Raises 422 when the issues are not empty.
void raise_if_invalid(const std::vector<ValidationIssue>& issues);
}  // namespace keel::schemas
