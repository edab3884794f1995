#include "routers/schemas.hpp"

#include "http/openapi.hpp"

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
          {"required", json::array({"status", "version", "uptime_s"})},
          {"properties",
           {{"status", {{"type", "string"}, {"enum", json::array({"ok", "degraded"})}}},
            {"version", {{"type", "string"}}},
            {"uptime_s", {{"type", "integer"}}},
            {"db", {{"type", "string"}, {"enum", json::array({"ok", "down"})}}}}}};
}

json memory_health() {
  json bound = {{"type", "object"}, {"properties", {{"max", {{"type", "integer"}}}, {"in_use", {{"type", "integer"}}}}}};
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
            {"db_pool", {{"type", "object"}, {"additionalProperties", {{"type", "integer"}}}}}}}};
}

}  // namespace keel::schemas

namespace keel::schemas {

ResponseSpec error_response(int status, std::string description) {
  return ResponseSpec{status, std::move(description), status == 422 ? validation_error() : error()};
}

std::vector<ParamSpec> query_params(const validation::Model& m) {
  std::vector<ParamSpec> out;
  for (const auto& f : m.fields)
    out.push_back(ParamSpec{.name = f.name, .in = "query", .schema = m.field_schema(f), .required = f.required,
                            .description = f.description});
  return out;
}

void raise_if_invalid(const std::vector<ValidationIssue>& issues) {
  if (!issues.empty()) throw keel::validation_error(issues);
}

}  // namespace keel::schemas
