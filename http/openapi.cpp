#include "http/openapi.hpp"

#include "http/text/ascii.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace keel::openapi {

using nlohmann::json;

std::string openapi_path(const std::string& route_template) {
  std::string out;
  out.reserve(route_template.size());
  bool in_param = false, skipping = false;
  for (char c : route_template) {
    if (c == '{') {
      in_param = true;
      skipping = false;
    } else if (c == '}') {
      in_param = false;
      skipping = false;
    } else if (in_param && c == ':') {
      skipping = true;
      continue;
    }
    if (!skipping) out += c;
  }
  return out;
}

namespace {

const std::set<std::string> kMethods = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};
const std::set<std::string> kParamLocations = {"query", "header", "path", "cookie"};

bool valid_component_key(const std::string& k) {
  if (k.empty()) return false;
  return std::all_of(k.begin(), k.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
  });
}

// Moves titled object schemas to components/schemas, children first, and
// replaces them with a $ref. A title reused for a different schema stays
// inline (and is reported).
class SchemaRegistry {
 public:
  explicit SchemaRegistry(std::vector<std::string>& warnings) : warnings_(warnings) {}

  json hoist(json s) {
    if (!s.is_object()) return s;
    for (const char* key : {"properties", "patternProperties", "$defs", "dependentSchemas"}) {
      if (auto it = s.find(key); it != s.end() && it->is_object())
        for (auto& [k, v] : it->items()) v = hoist(std::move(v));
    }
    for (const char* key : {"items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else",
                            "unevaluatedItems", "unevaluatedProperties"}) {
      if (auto it = s.find(key); it != s.end() && it->is_object()) *it = hoist(std::move(*it));
    }
    for (const char* key : {"anyOf", "oneOf", "allOf", "prefixItems"}) {
      if (auto it = s.find(key); it != s.end() && it->is_array())
        for (auto& v : *it) v = hoist(std::move(v));
    }
    auto t = s.find("title");
    if (t == s.end() || !t->is_string() || !s.contains("properties")) return s;
    std::string title = t->get<std::string>();
    if (!valid_component_key(title)) return s;
    json ref = {{"$ref", "#/components/schemas/" + title}};
    auto existing = schemas_.find(title);
    if (existing == schemas_.end()) {
      schemas_[title] = std::move(s);
      return ref;
    }
    if (*existing == s) return ref;
    if (conflicts_.insert(title).second)
      warnings_.push_back("two different schemas are titled \"" + title + "\"; the later ones stay inline");
    return s;
  }

  const json& schemas() const { return schemas_; }

 private:
  std::vector<std::string>& warnings_;
  json schemas_ = json::object();
  std::set<std::string> conflicts_;
};

json schema_for_piece(const std::string& type) {
  if (type == "int") return {{"type", "integer"}};
  return {{"type", "string"}};
}

std::string default_operation_id(const std::string& method, const std::string& path) {
  std::string id = text::to_lower(method);
  bool sep = true;
  for (char c : path) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      if (sep) id += '_';
      id += text::ascii_lower(c);
      sep = false;
    } else {
      sep = true;
    }
  }
  return id;
}

}  // namespace

json validation_error_schema() {
  json loc_item = json::object();
  loc_item["anyOf"] = json::array({json{{"type", "string"}}, json{{"type", "integer"}}});
  json item = {{"type", "object"},
               {"title", "ValidationError"},
               {"required", json::array({"loc", "msg", "type"})},
               {"properties",
                {{"loc", {{"type", "array"}, {"items", loc_item}}},
                 {"msg", {{"type", "string"}}},
                 {"type", {{"type", "string"}}}}}};
  return {{"type", "object"},
          {"title", "HTTPValidationError"},
          {"properties", {{"detail", {{"type", "array"}, {"items", item}}}}}};
}

json document(const Router& router, const Info& info, std::vector<std::string>* warnings_out) {
  std::vector<std::string> warnings;
  SchemaRegistry registry(warnings);
  json paths = json::object();
  std::vector<std::string> used_tags;
  std::set<std::string> operation_ids;

  for (const Route& route : router.routes()) {
    const RouteSpec& spec = route.spec;
    if (!spec.include_in_schema) continue;
    const std::string where = spec.method + " " + spec.path;
    const std::string method = text::to_lower(spec.method);
    if (!kMethods.count(method)) {
      warnings.push_back(where + ": method not expressible in OpenAPI; left out");
      continue;
    }
    const std::string path = openapi_path(spec.path);
    json& item = paths[path];
    if (item.contains(method)) {
      warnings.push_back(where + ": another route already documents " + method + " " + path + "; left out");
      continue;
    }

    json op = json::object();
    if (!spec.tag.empty()) {
      op["tags"] = json::array({spec.tag});
      if (std::find(used_tags.begin(), used_tags.end(), spec.tag) == used_tags.end()) used_tags.push_back(spec.tag);
    }
    op["summary"] = spec.summary.empty() ? spec.method + " " + path : spec.summary;
    if (!spec.description.empty()) op["description"] = spec.description;

    std::string op_id = spec.operation_id.empty() ? default_operation_id(spec.method, path) : spec.operation_id;
    if (operation_ids.count(op_id)) {
      std::string base = op_id;
      for (int n = 2; operation_ids.count(op_id); ++n) op_id = base + "_" + std::to_string(n);
      warnings.push_back(where + ": operationId \"" + base + "\" is taken; using \"" + op_id + "\"");
    }
    operation_ids.insert(op_id);
    op["operationId"] = op_id;

    // Parameters: the template's path parameters (typed), then the rest.
    std::map<std::string, const Route::Piece*> template_params;
    bool validates_input = false;
    for (const auto& p : route.pieces) {
      if (!p.is_param) continue;
      template_params[p.name] = &p;
      if (p.type == "int") validates_input = true;
    }
    json params = json::array();
    std::set<std::pair<std::string, std::string>> seen;
    auto add_param = [&](const ParamSpec& ps) {
      if (ps.name.empty() || !kParamLocations.count(ps.in)) {
        warnings.push_back(where + ": parameter \"" + ps.name + "\" in \"" + ps.in + "\" is not valid; left out");
        return;
      }
      if (!seen.insert({ps.in, ps.name}).second) {
        warnings.push_back(where + ": parameter \"" + ps.name + "\" documented twice");
        return;
      }
      json p = {{"name", ps.name}, {"in", ps.in}};
      json schema = ps.schema.is_object() ? ps.schema : json::object();
      if (ps.in == "path") {
        const Route::Piece* piece = template_params.at(ps.name);
        if (!schema.contains("type") && !schema.contains("$ref") && !schema.contains("anyOf"))
          schema.update(schema_for_piece(piece->type));
        if (piece->type == "path" && !schema.contains("description") && ps.description.empty())
          p["description"] = "The rest of the path; may contain '/'";
        p["required"] = true;  // OpenAPI: path parameters are always required
      } else {
        validates_input = true;
        if (ps.required) p["required"] = true;
      }
      if (!ps.description.empty()) p["description"] = ps.description;
      p["schema"] = registry.hoist(std::move(schema));
      params.push_back(std::move(p));
    };
    for (const auto& ps : spec.params) {
      if (ps.in == "path" && !template_params.count(ps.name)) {
        warnings.push_back(where + ": path parameter \"" + ps.name + "\" is not in the template; left out");
        continue;
      }
      if (ps.in == "path") add_param(ps);
    }
    for (const auto& [name, piece] : template_params) {
      if (seen.count({"path", name})) continue;
      add_param(ParamSpec{.name = name, .in = "path", .schema = schema_for_piece(piece->type), .required = true});
    }
    for (const auto& ps : spec.params)
      if (ps.in != "path") add_param(ps);
    // Path parameters in template order, then the others as documented.
    std::vector<std::string> order;
    for (const auto& p : route.pieces)
      if (p.is_param) order.push_back(p.name);
    std::stable_sort(params.begin(), params.end(), [&](const json& a, const json& b) {
      auto rank = [&](const json& p) -> std::size_t {
        if (p["in"] != "path") return order.size();
        return static_cast<std::size_t>(std::find(order.begin(), order.end(), p["name"].get<std::string>()) -
                                        order.begin());
      };
      return rank(a) < rank(b);
    });
    if (!params.empty()) op["parameters"] = std::move(params);

    // Request body.
    if (spec.request_body && !spec.request_body->content.empty()) {
      json content = json::object();
      for (const auto& [ct, schema] : spec.request_body->content) {
        content[ct] = schema.is_null() ? json::object() : json{{"schema", registry.hoist(schema)}};
      }
      json rb = {{"content", std::move(content)}};
      if (spec.request_body->required) rb["required"] = true;
      if (!spec.request_body->description.empty()) rb["description"] = spec.request_body->description;
      op["requestBody"] = std::move(rb);
      if (spec.body == BodyKind::json) validates_input = true;
    } else if (spec.body == BodyKind::json) {
      warnings.push_back(where + ": JSON body without a documented schema");
      op["requestBody"] = {{"required", true}, {"content", {{"application/json", {{"schema", json::object()}}}}}};
      validates_input = true;
    } else if (spec.body == BodyKind::stream) {
      warnings.push_back(where + ": streamed body without a documented content type");
      op["requestBody"] = {
          {"required", true},
          {"content", {{"application/octet-stream", {{"schema", {{"type", "string"}, {"format", "binary"}}}}}}}};
    }

    // Responses.
    json responses = json::object();
    for (const auto& r : spec.responses) {
      if (r.status < 100 || r.status > 599) {
        warnings.push_back(where + ": response status " + std::to_string(r.status) + " is not valid; left out");
        continue;
      }
      json& resp = responses[std::to_string(r.status)];
      if (!resp.contains("description")) {
        std::string d = r.description;
        if (d.empty()) d = std::string(reason_phrase(r.status));
        if (d.empty()) d = "Status " + std::to_string(r.status);
        resp["description"] = d;
      }
      if (!r.schema.is_null() || !r.content_type.empty()) {
        std::string ct = r.content_type.empty() ? "application/json" : r.content_type;
        resp["content"][ct] = r.schema.is_null() ? json::object() : json{{"schema", registry.hoist(r.schema)}};
      }
      for (const auto& [name, description] : r.headers)
        resp["headers"][name] = {{"description", description}, {"schema", {{"type", "string"}}}};
    }
    if (responses.empty()) responses["200"] = {{"description", "Successful Response"}};
    if (validates_input && !responses.contains("422")) {
      json schema = info.validation_error_schema.is_null() ? validation_error_schema() : info.validation_error_schema;
      responses["422"] = {{"description", "Validation Error"},
                          {"content", {{"application/json", {{"schema", registry.hoist(std::move(schema))}}}}}};
    }
    op["responses"] = std::move(responses);

    // Security: a list of alternatives, any one suffices.
    if (!spec.security.empty()) {
      json sec = json::array();
      for (const auto& name : spec.security) {
        if (!info.security_schemes.contains(name)) {
          warnings.push_back(where + ": unknown security scheme \"" + name + "\"; left out");
          continue;
        }
        sec.push_back(json{{name, json::array()}});
      }
      if (!sec.empty()) op["security"] = std::move(sec);
    }

    item[method] = std::move(op);
  }
  // A path whose only route was left out.
  for (auto it = paths.begin(); it != paths.end();) {
    if (it->empty())
      it = paths.erase(it);
    else
      ++it;
  }

  json tags = json::array();
  for (const auto& [name, description] : info.tags) {
    if (std::find(used_tags.begin(), used_tags.end(), name) == used_tags.end()) continue;
    json t = {{"name", name}};
    if (!description.empty()) t["description"] = description;
    tags.push_back(std::move(t));
  }
  for (const auto& name : used_tags) {
    bool listed = std::any_of(info.tags.begin(), info.tags.end(), [&](const auto& t) { return t.first == name; });
    if (!listed) tags.push_back(json{{"name", name}});
  }

  json doc_info = {{"title", info.title}, {"version", info.version.empty() ? std::string("0") : info.version}};
  if (!info.summary.empty()) doc_info["summary"] = info.summary;
  if (!info.description.empty()) doc_info["description"] = info.description;

  json components = json::object();
  if (!registry.schemas().empty()) components["schemas"] = registry.schemas();
  if (!info.security_schemes.empty()) components["securitySchemes"] = info.security_schemes;

  json doc = {{"openapi", "3.1.0"}, {"info", std::move(doc_info)}, {"paths", std::move(paths)}};
  if (!tags.empty()) doc["tags"] = std::move(tags);
  if (!components.empty()) doc["components"] = std::move(components);
  if (warnings_out) *warnings_out = std::move(warnings);
  return doc;
}

}  // namespace keel::openapi
