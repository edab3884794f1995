#include "http/validation.hpp"

#include "http/text/ascii.hpp"
#include "http/text/iso_datetime.hpp"
#include "http/text/utf8.hpp"

#include <charconv>

namespace keel::validation {

using nlohmann::json;

bool valid_email(std::string_view s) {
  if (s.empty() || s.size() > 254) return false;
  auto at = s.find('@');
  if (at == std::string_view::npos || s.find('@', at + 1) != std::string_view::npos) return false;
  std::string_view local = s.substr(0, at), domain = s.substr(at + 1);
  if (local.empty() || domain.empty()) return false;
  for (char c : s)
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || static_cast<unsigned char>(c) < 0x20) return false;
  auto dot = domain.find('.');
  if (dot == std::string_view::npos || dot == 0 || domain.back() == '.') return false;
  if (domain.find("..") != std::string_view::npos) return false;
  return true;
}

std::optional<bool> parse_query_bool(std::string_view s) {
  for (const char* t : {"true", "1", "yes", "on"})
    if (text::iequals(s, t)) return true;
  for (const char* f : {"false", "0", "no", "off"})
    if (text::iequals(s, f)) return false;
  return std::nullopt;
}

json Model::field_schema(const Field& f) const {
  json s;
  switch (f.kind) {
    case Kind::string:
      s["type"] = "string";
      break;
    case Kind::integer:
      s["type"] = "integer";
      break;
    case Kind::email:
      s["type"] = "string";
      s["format"] = "email";
      break;
    case Kind::datetime:
      s["type"] = "string";
      s["format"] = "date-time";
      break;
    case Kind::enumeration:
      s["type"] = "string";
      s["enum"] = f.enum_values;
      break;
    case Kind::boolean:
      s["type"] = "boolean";
      break;
  }
  if (f.kind == Kind::email) s["maxLength"] = 254;
  if (f.min_length) s["minLength"] = *f.min_length;
  if (f.max_length) s["maxLength"] = *f.max_length;
  if (f.minimum) s["minimum"] = *f.minimum;
  if (f.maximum) s["maximum"] = *f.maximum;
  if (!f.description.empty()) s["description"] = f.description;
  if (!f.example.is_null()) s["examples"] = json::array({f.example});
  if (f.nullable) {
    std::string t = s["type"];
    s["type"] = json::array({t, "null"});
  }
  return s;
}

json Model::json_schema() const {
  json props = json::object();
  json required = json::array();
  for (const auto& f : fields) {
    props[f.name] = field_schema(f);
    if (f.required) required.push_back(f.name);
  }
  json s{{"type", "object"}, {"title", title}, {"properties", props}};
  if (!required.empty()) s["required"] = required;
  if (forbid_extra) s["additionalProperties"] = false;
  return s;
}

namespace {

// Checks one present value; appends issues located at loc.
void check_value(const Field& f, const json& v, std::vector<json> loc, std::vector<ValidationIssue>& out) {
  if (v.is_null()) {
    if (!f.nullable)
      out.push_back({loc,
                     f.kind == Kind::integer ? "Input should be a valid integer" : "Input should be a valid string",
                     f.kind == Kind::integer ? "int_type" : "string_type"});
    return;
  }
  if (f.kind == Kind::boolean) {
    if (!v.is_boolean()) out.push_back({loc, "Input should be a valid boolean", "bool_type"});
    return;
  }
  if (f.kind == Kind::integer) {
    if (!v.is_number_integer()) {
      out.push_back({loc, "Input should be a valid integer", "int_type"});
      return;
    }
    std::int64_t n = v.is_number_unsigned() && v.get<std::uint64_t>() > INT64_MAX ? INT64_MAX : v.get<std::int64_t>();
    if (f.minimum && n < *f.minimum)
      out.push_back(
          {loc, "Input should be greater than or equal to " + std::to_string(*f.minimum), "greater_than_equal"});
    if (f.maximum && n > *f.maximum)
      out.push_back({loc, "Input should be less than or equal to " + std::to_string(*f.maximum), "less_than_equal"});
    return;
  }
  if (!v.is_string()) {
    out.push_back({loc, "Input should be a valid string", "string_type"});
    return;
  }
  const std::string& s = v.get_ref<const std::string&>();
  // JSON text is UTF-8 already; a percent-decoded query value may not be.
  if (!text::valid_utf8(s)) {
    out.push_back(
        {loc, "Input should be a valid string, unable to parse raw data as a unicode string", "string_unicode"});
    return;
  }
  std::size_t len = text::utf8_length(s);
  if (f.min_length && len < *f.min_length) {
    out.push_back({loc,
                   "String should have at least " + std::to_string(*f.min_length) +
                       (*f.min_length == 1 ? " character" : " characters"),
                   "string_too_short"});
    return;
  }
  if (f.max_length && len > *f.max_length) {
    out.push_back(
        {loc, "String should have at most " + std::to_string(*f.max_length) + " characters", "string_too_long"});
    return;
  }
  switch (f.kind) {
    case Kind::email:
      if (!valid_email(s)) out.push_back({loc, "value is not a valid email address", "value_error"});
      break;
    case Kind::datetime:
      if (!text::parse_iso_datetime(s, true)) {
        bool no_tz = text::parse_iso_datetime(s, false).has_value();
        if (no_tz)
          out.push_back({loc, "Input should have timezone info", "timezone_aware"});
        else
          out.push_back(
              {loc, "Input should be a valid datetime in ISO 8601 format with a UTC offset", "datetime_parsing"});
      }
      break;
    case Kind::enumeration: {
      bool ok = false;
      std::string list;
      for (std::size_t i = 0; i < f.enum_values.size(); ++i) {
        if (f.enum_values[i] == s) ok = true;
        list += (i == 0 ? "" : (i + 1 == f.enum_values.size() ? " or " : ", ")) + ("'" + f.enum_values[i] + "'");
      }
      if (!ok) out.push_back({loc, "Input should be " + list, "enum"});
      break;
    }
    default:
      break;
  }
}

}  // namespace

std::vector<ValidationIssue> Model::validate(const json& body) const {
  std::vector<ValidationIssue> out;
  if (!body.is_object()) {
    out.push_back(
        {{"body"}, "Input should be a valid dictionary or object to extract fields from", "model_attributes_type"});
    return out;
  }
  for (const auto& f : fields) {
    auto it = body.find(f.name);
    if (it == body.end()) {
      if (f.required) out.push_back({{"body", f.name}, "Field required", "missing"});
      continue;
    }
    check_value(f, *it, {"body", f.name}, out);
  }
  if (forbid_extra) {
    for (auto it = body.begin(); it != body.end(); ++it) {
      bool known = false;
      for (const auto& f : fields)
        if (f.name == it.key()) known = true;
      if (!known) out.push_back({{"body", it.key()}, "Extra inputs are not permitted", "extra_forbidden"});
    }
  }
  return out;
}

std::vector<ValidationIssue> Model::validate_query(
    const std::vector<std::pair<std::string, std::string>>& query) const {
  std::vector<ValidationIssue> out;
  for (const auto& f : fields) {
    const std::string* value = nullptr;
    for (const auto& [k, v] : query)
      if (k == f.name) value = &v;
    if (!value) {
      if (f.required) out.push_back({{"query", f.name}, "Field required", "missing"});
      continue;
    }
    std::vector<json> loc{"query", f.name};
    if (f.kind == Kind::integer) {
      std::int64_t n = 0;
      auto [p, ec] = std::from_chars(value->data(), value->data() + value->size(), n);
      if (value->empty() || ec != std::errc() || p != value->data() + value->size()) {
        out.push_back({loc, "Input should be a valid integer, unable to parse string as an integer", "int_parsing"});
        continue;
      }
      check_value(f, json(n), loc, out);
    } else if (f.kind == Kind::boolean) {
      if (!parse_query_bool(*value))
        out.push_back({loc, "Input should be a valid boolean, unable to interpret input", "bool_parsing"});
    } else if (f.kind == Kind::datetime) {
      // Filters also accept a bare date (midnight UTC).
      if (!text::parse_iso_datetime(*value, false))
        out.push_back({loc, "Input should be a valid date or datetime in ISO 8601 format", "datetime_parsing"});
    } else {
      check_value(f, json(*value), loc, out);
    }
  }
  return out;
}

}  // namespace keel::validation
