#include "routers/schemas.hpp"

#include "http/credentials.hpp"
#include "http/openapi.hpp"

#include <charconv>

namespace keel::schemas {

using nlohmann::json;

json error() {
  return {{"type", "object"},
          {"title", "HTTPError"},
          {"required", json::array({"detail"})},
          {"properties", {{"detail", {{"type", "string"}}}}}};
}

json validation_error() { return openapi::validation_error_schema(); }

json health() {
  return {{"type", "object"},
          {"required", json::array({"status", "version", "instance", "uptime_s", "redis"})},
          {"properties",
           {{"status", {{"type", "string"}, {"enum", json::array({"ok", "degraded"})}}},
            {"version", {{"type", "string"}}},
            {"instance", {{"type", "string"}, {"description", "this keel's name: KEEL_INSTANCE, else host:port"}}},
            {"uptime_s", {{"type", "integer"}}},
            {"db", {{"type", "string"}, {"enum", json::array({"ok", "down"})}}},
            {"redis",
             {{"type", "string"},
              {"enum", json::array({"ok", "down", "off"})},
              {"description", "the Redis connection: off until something needs Redis; down never degrades status"}}}}}};
}

json memory_health() {
  json bound = {{"type", "object"},
                {"properties", {{"max", {{"type", "integer"}}}, {"in_use", {{"type", "integer"}}}}}};
  return {{"type", "object"},
          {"properties",
           {{"rss_bytes", {{"type", "integer"}}},
            {"peak_rss_bytes", {{"type", "integer"}}},
            {"limit_bytes", {{"type", "integer"}}},
            {"limit_source", {{"type", "string"}, {"enum", json::array({"config", "cgroup", "system"})}}},
            {"used_bytes", {{"type", "integer"}}},
            {"used_percent", {{"type", "number"}}},
            {"warn_percent", {{"type", "integer"}}},
            {"reject_percent", {{"type", "integer"}}},
            {"state", {{"type", "string"}, {"enum", json::array({"ok", "warning", "critical"})}}},
            {"rejected_total", {{"type", "integer"}}},
            {"alloc_failures_total", {{"type", "integer"}}},
            {"limits", {{"type", "object"}, {"additionalProperties", bound}}},
            {"db_pool",
             {{"type", "object"},
              {"properties",
               {{"hosts",
                 {{"type", "array"},
                  {"description", "every host of KEEL_DB_URL in order of preference, with its open connections"},
                  {"items",
                   {{"type", "object"},
                    {"properties", {{"host", {{"type", "string"}}}, {"connections", {{"type", "integer"}}}}}}}}}}},
              {"additionalProperties", {{"type", "integer"}}}}}}}};
}

}  // namespace keel::schemas

namespace keel::schemas {

ResponseSpec error_response(int status, std::string description) {
  return ResponseSpec{status, std::move(description), status == 422 ? validation_error() : error()};
}

std::vector<std::string> admin_security() { return {kAdminKeyScheme, kAdminBearerScheme}; }

std::vector<std::string> data_security() { return {kDataKeyScheme, kDataBearerScheme}; }

std::vector<std::string> booking_security() { return {kBookingTokenScheme, kAdminKeyScheme, kAdminBearerScheme}; }

std::vector<ResponseSpec> admin_responses(std::vector<ResponseSpec> own, const std::string& unavailable) {
  own.push_back(error_response(401, "No admin key"));
  own.push_back(error_response(403, "Wrong admin key"));
  own.push_back(error_response(503, "Admin access not configured, or " + unavailable));
  return own;
}

std::vector<ResponseSpec> booking_responses(std::vector<ResponseSpec> own, const std::string& unavailable) {
  own.push_back(error_response(401, "No credentials"));
  own.push_back(error_response(404, "No such booking, or the credentials do not grant it"));
  own.push_back(error_response(422, "Validation error"));
  own.push_back(error_response(503, unavailable));
  return own;
}

std::vector<ResponseSpec> file_responses(const std::string& missing) {
  const json binary = {{"type", "string"}, {"format", "binary"}};
  return {{200, "The file", binary, "application/octet-stream"},
          {206, "Part of the file", binary, "application/octet-stream"},
          {304, "Not modified", nullptr, ""},
          error_response(404, missing),
          error_response(412, "Precondition failed"),
          error_response(416, "Range not satisfiable")};
}

ParamSpec booking_id_param() {
  return ParamSpec{
      .name = "id", .in = "path", .schema = {{"type", "integer"}}, .required = true, .description = "Booking id"};
}

std::vector<ParamSpec> query_params(const validation::Model& m) {
  std::vector<ParamSpec> out;
  for (const auto& f : m.fields)
    out.push_back(ParamSpec{.name = f.name,
                            .in = "query",
                            .schema = m.field_schema(f),
                            .required = f.required,
                            .description = f.description});
  return out;
}

void raise_if_invalid(const std::vector<ValidationIssue>& issues) {
  if (!issues.empty()) throw keel::validation_error(issues);
}

std::int64_t id_param(const Request& req) {
  auto s = req.path_param("id");
  std::int64_t id = 0;
  std::from_chars(s.data(), s.data() + s.size(), id);
  return id;
}

}  // namespace keel::schemas
