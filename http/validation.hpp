#pragma once
// One definition per input model: it validates (FastAPI/pydantic-shaped
// errors) and it produces the JSON Schema for the OpenAPI document, so the
// documented rules and the enforced rules cannot drift apart.
#include "http/http.hpp"
#include "http/text/utf8.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace keel::validation {

enum class Kind { string, integer, email, datetime, enumeration, boolean };

struct Field {
  std::string name;
  Kind kind = Kind::string;
  bool required = true;
  bool nullable = false;                              // optional fields may also be sent as null
  std::optional<std::size_t> min_length, max_length;  // in characters (code points)
  std::optional<std::int64_t> minimum, maximum;
  std::vector<std::string> enum_values;
  std::string description;
  nlohmann::json example;
};

struct Model {
  std::string title;
  std::vector<Field> fields;
  bool forbid_extra = true;

  nlohmann::json json_schema() const;
  // Validates a JSON body; issues are located under loc_root ("body").
  std::vector<ValidationIssue> validate(const nlohmann::json& body) const;
  // Validates query parameters (strings) against the same field rules;
  // unknown query parameters are ignored.
  std::vector<ValidationIssue> validate_query(const std::vector<std::pair<std::string, std::string>>& query) const;
  // Query parameter docs for the OpenAPI document.
  nlohmann::json field_schema(const Field& f) const;
};

// Validity rules exposed for unit tests and reuse.
bool valid_email(std::string_view s);
// A boolean as a query parameter: true/false, 1/0, yes/no, on/off
// (case-insensitive, as pydantic reads them); nothing for anything else.
std::optional<bool> parse_query_bool(std::string_view s);

}  // namespace keel::validation
