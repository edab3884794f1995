// The OpenAPI generator (http/openapi) on a synthetic router, and the real
// document (routers/docs) compared with the real router's table.
#include "app/core.hpp"
#include "http/openapi.hpp"
#include "http/text/ascii.hpp"
#include "routers/docs.hpp"
#include "services/docs/assets.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <tuple>

using namespace keel;
using nlohmann::json;

namespace {

Handler noop() {
  return [](Request&) -> awaitable<Response> { co_return Response::empty(204); };
}

bool has_warning(const std::vector<std::string>& w, const std::string& part) {
  return std::any_of(w.begin(), w.end(), [&](const std::string& s) { return s.find(part) != std::string::npos; });
}

openapi::Info test_info() {
  openapi::Info info;
  info.version = "9.9.9";
  info.security_schemes = {{"AdminApiKey", {{"type", "apiKey"}, {"in", "header"}, {"name", "X-API-Key"}}},
                           {"BookingToken", {{"type", "http"}, {"scheme", "bearer"}}}};
  info.tags = {{"items", "Things"}, {"unused", "Never used"}};
  return info;
}

json item_schema() { return {{"type", "object"}, {"title", "Item"}, {"properties", {{"id", {{"type", "integer"}}}}}}; }

struct TempDir {
  TempDir() {
    char tmpl[] = "/tmp/keel-openapi-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string path;
};

}  // namespace

TEST(OpenApi, PathDropsRouterTypes) {
  EXPECT_EQ(openapi::openapi_path("/api/bookings/{id:int}"), "/api/bookings/{id}");
  EXPECT_EQ(openapi::openapi_path("/api/bookings/{id:int}/cancel"), "/api/bookings/{id}/cancel");
  EXPECT_EQ(openapi::openapi_path("/static/{path:path}"), "/static/{path}");
  EXPECT_EQ(openapi::openapi_path("/api/uploads/{id}"), "/api/uploads/{id}");
  EXPECT_EQ(openapi::openapi_path("/a/{x:str}/{y:int}"), "/a/{x}/{y}");
  EXPECT_EQ(openapi::openapi_path("/openapi.json"), "/openapi.json");
}

TEST(OpenApi, SyntheticRouterGetsFastApiDefaults) {
  Router r;
  RouteSpec get{
      .method = "GET", .path = "/items/{id:int}", .summary = "Read", .tag = "items", .operation_id = "read_item"};
  get.responses = {{200, "The item", item_schema()}, {404, "", {{"type", "object"}}}};
  r.add(get, noop());

  RouteSpec post{.method = "POST", .path = "/items", .tag = "items", .body = BodyKind::json};
  post.request_body = RequestBodySpec{
      {{"application/json", {{"type", "object"}, {"title", "ItemCreate"}, {"properties", json::object()}}}}};
  post.responses = {{201, "Created", item_schema()}};
  post.security = {"BookingToken", "AdminApiKey", "Nope"};
  r.add(post, noop());

  RouteSpec hidden{.method = "GET", .path = "/hidden"};
  hidden.include_in_schema = false;
  r.add(hidden, noop());

  RouteSpec files{.method = "GET", .path = "/files/{path:path}", .operation_id = "read_item"};
  files.params = {ParamSpec{.name = "ghost", .in = "path"}, ParamSpec{.name = "q", .in = "query", .required = true}};
  r.add(files, noop());

  RouteSpec up{.method = "PUT", .path = "/blobs/{name}", .tag = "blobs", .body = BodyKind::stream};
  r.add(up, noop());

  std::vector<std::string> warnings;
  json doc = openapi::document(r, test_info(), &warnings);

  EXPECT_EQ(doc["openapi"], "3.1.0");
  EXPECT_EQ(doc["info"]["version"], "9.9.9");
  EXPECT_EQ(doc["info"]["title"], "keel");
  ASSERT_TRUE(doc["paths"].contains("/items/{id}"));
  EXPECT_FALSE(doc["paths"].contains("/hidden"));
  EXPECT_FALSE(doc["paths"]["/items/{id}"].contains("head")) << "HEAD is implied by GET";

  // Typed path parameter from the template, required; 422 added for it.
  const json& op = doc["paths"]["/items/{id}"]["get"];
  ASSERT_EQ(op["parameters"].size(), 1u);
  EXPECT_EQ(op["parameters"][0],
            (json{{"name", "id"}, {"in", "path"}, {"required", true}, {"schema", {{"type", "integer"}}}}));
  EXPECT_EQ(op["responses"]["404"]["description"], "Not Found") << "missing description -> reason phrase";
  EXPECT_EQ(op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/Item");
  EXPECT_EQ(op["responses"]["422"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/HTTPValidationError");
  EXPECT_TRUE(doc["components"]["schemas"].contains("ValidationError")) << "nested titled schemas are hoisted too";
  EXPECT_EQ(doc["components"]["schemas"]["Item"], item_schema());
  EXPECT_EQ(op["tags"], json::array({"items"}));
  EXPECT_FALSE(op.contains("security"));

  // Security alternatives, unknown scheme left out; request body hoisted;
  // generated operationId; summary defaulted.
  const json& p = doc["paths"]["/items"]["post"];
  EXPECT_EQ(p["security"], json::parse(R"([{"BookingToken":[]},{"AdminApiKey":[]}])"));
  EXPECT_TRUE(has_warning(warnings, "unknown security scheme \"Nope\""));
  EXPECT_EQ(p["requestBody"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/ItemCreate");
  EXPECT_EQ(p["requestBody"]["required"], true);
  EXPECT_EQ(p["operationId"], "post_items");
  EXPECT_EQ(p["summary"], "POST /items");
  EXPECT_TRUE(p["responses"].contains("422")) << "JSON bodies are validated";

  // No responses -> 200 "Successful Response"; {path:path}; a documented
  // path parameter that the template lacks is left out; duplicate
  // operationId renamed.
  const json& f = doc["paths"]["/files/{path}"]["get"];
  EXPECT_EQ(f["responses"]["200"]["description"], "Successful Response");
  ASSERT_EQ(f["parameters"].size(), 2u);
  EXPECT_EQ(f["parameters"][0]["name"], "path");
  EXPECT_EQ(f["parameters"][0]["schema"]["type"], "string");
  EXPECT_EQ(f["parameters"][1]["name"], "q");
  EXPECT_EQ(f["parameters"][1]["required"], true);
  EXPECT_TRUE(has_warning(warnings, "path parameter \"ghost\" is not in the template"));
  EXPECT_EQ(f["operationId"], "read_item_2");
  EXPECT_TRUE(has_warning(warnings, "operationId \"read_item\" is taken"));

  // A streamed body without metadata is raw bytes.
  const json& b = doc["paths"]["/blobs/{name}"]["put"];
  EXPECT_EQ(b["requestBody"]["content"]["application/octet-stream"]["schema"]["format"], "binary");
  EXPECT_FALSE(b["responses"].contains("422")) << "a str path parameter is not validated";

  // Tags: described ones in the given order, only when used; others appended.
  EXPECT_EQ(doc["tags"], json::parse(R"([{"name":"items","description":"Things"},{"name":"blobs"}])"));
  EXPECT_EQ(doc["components"]["securitySchemes"], test_info().security_schemes);
}

TEST(OpenApi, SameTitleDifferentSchemaStaysInline) {
  Router r;
  RouteSpec a{.method = "GET", .path = "/a", .operation_id = "a"};
  a.responses = {{200, "ok", item_schema()}};
  r.add(a, noop());
  RouteSpec b{.method = "GET", .path = "/b", .operation_id = "b"};
  json other = item_schema();
  other["properties"]["extra"] = {{"type", "string"}};
  b.responses = {{200, "ok", other}};
  r.add(b, noop());
  std::vector<std::string> warnings;
  json doc = openapi::document(r, test_info(), &warnings);
  EXPECT_EQ(doc["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Item");
  EXPECT_EQ(doc["paths"]["/b"]["get"]["responses"]["200"]["content"]["application/json"]["schema"], other);
  EXPECT_TRUE(has_warning(warnings, "two different schemas are titled \"Item\""));
}

// The real application: every route registered by app/core.cpp is in the
// document unless include_in_schema=false, nothing else is, and the
// generator had nothing to fix.
TEST(OpenApi, DocumentCoversEveryRouteOfTheApp) {
  TempDir dir;
  Config cfg;
  cfg.data_dir = dir.path;
  cfg.static_dir = dir.path;
  cfg.docs = true;
  AppContext ctx(cfg);
  App app(ctx);
  const Router& router = app.router();

  std::vector<std::string> warnings;
  json doc = openapi_document(router, &warnings);
  for (const auto& w : warnings) ADD_FAILURE() << "route metadata needs a fix: " << w;

  EXPECT_EQ(doc["openapi"], "3.1.0");
  EXPECT_EQ(doc["info"]["version"], KEEL_VERSION);

  std::set<std::pair<std::string, std::string>> expected, documented;
  bool saw_docs_routes = false;
  for (const auto& route : router.routes()) {
    if (route.spec.path == "/openapi.json") saw_docs_routes = true;
    if (!route.spec.include_in_schema) {
      EXPECT_FALSE(doc["paths"].contains(openapi::openapi_path(route.spec.path)) &&
                   doc["paths"][openapi::openapi_path(route.spec.path)].contains(text::to_lower(route.spec.method)))
          << route.spec.method << " " << route.spec.path << " is hidden but documented";
      continue;
    }
    expected.insert({text::to_lower(route.spec.method), openapi::openapi_path(route.spec.path)});
  }
  EXPECT_TRUE(saw_docs_routes) << "register_docs_routes must be called (last) in App::App";
  std::set<std::string> ids;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      documented.insert({method, path});
      EXPECT_TRUE(ids.insert(op["operationId"].get<std::string>()).second)
          << "duplicate operationId " << op["operationId"];
      for (const auto& alt : op.value("security", json::array()))
        for (const auto& [scheme, scopes] : alt.items())
          EXPECT_TRUE(doc["components"]["securitySchemes"].contains(scheme)) << method << " " << path << ": " << scheme;
    }
  }
  EXPECT_EQ(documented, expected);

  // What the issue promises, spelled out.
  const json& paths = doc["paths"];
  for (const char* id : {"create_booking", "get_booking", "cancel_booking", "list_bookings", "update_booking_status"})
    EXPECT_TRUE(ids.count(id)) << id;
  ASSERT_TRUE(paths.contains("/api/bookings/{id}"));
  const json& read = paths["/api/bookings/{id}"]["get"];
  EXPECT_EQ(read["parameters"][0]["schema"]["type"], "integer");
  EXPECT_EQ(read["security"], json::parse(R"([{"BookingToken":[]},{"AdminApiKey":[]},{"AdminBearer":[]}])"));
  const json& create = paths["/api/bookings"]["post"];
  EXPECT_EQ(create["responses"]["422"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/HTTPValidationError");
  EXPECT_TRUE(create["responses"].contains("201"));
  EXPECT_FALSE(create.contains("security"));
  const json& schemes = doc["components"]["securitySchemes"];
  EXPECT_EQ(schemes["AdminApiKey"], json::parse(R"({"type":"apiKey","in":"header","name":"X-API-Key",
                                                    "description":"The admin key (KEEL_ADMIN_API_KEY)."})"));
  EXPECT_EQ(schemes["AdminBearer"]["scheme"], "bearer");
  EXPECT_EQ(schemes["BookingToken"]["scheme"], "bearer");
  // The model that validates is the model that is documented.
  const json& bc = doc["components"]["schemas"]["BookingCreate"];
  EXPECT_EQ(bc["properties"]["duration_minutes"]["minimum"], 5);  // the catalogue decides per service
  // The booking domain's routes.
  for (const char* id : {"reschedule_booking", "get_booking_calendar", "get_availability"}) EXPECT_TRUE(ids.count(id)) << id;
  EXPECT_EQ(bc["additionalProperties"], false);
  // The data feed's API keys (admin only; the key itself only in the 201).
  for (const char* id : {"create_api_key", "list_api_keys", "revoke_api_key"}) EXPECT_TRUE(ids.count(id)) << id;
  ASSERT_TRUE(paths.contains("/api/admin/api-keys"));
  const json& make_key = paths["/api/admin/api-keys"]["post"];
  EXPECT_EQ(make_key["security"], json::parse(R"([{"AdminApiKey":[]},{"AdminBearer":[]}])"));
  for (const char* status : {"201", "401", "403", "422"}) EXPECT_TRUE(make_key["responses"].contains(status)) << status;
  EXPECT_TRUE(make_key["responses"]["201"]["content"]["application/json"]["schema"]["properties"].contains("key"));
  const json& key_model = doc["components"]["schemas"]["ApiKeyCreate"];
  EXPECT_EQ(key_model["properties"]["name"]["maxLength"], 80);
  EXPECT_EQ(key_model["properties"]["rate_per_minute"]["maximum"], 100000);
  EXPECT_EQ(key_model["required"], json::array({"name"}));
  const json& list_keys = paths["/api/admin/api-keys"]["get"]["responses"]["200"]["content"]["application/json"];
  EXPECT_FALSE(list_keys["schema"]["properties"]["keys"]["items"]["properties"].contains("key"));
  ASSERT_TRUE(paths.contains("/api/admin/api-keys/{id}"));
  const json& revoke_key = paths["/api/admin/api-keys/{id}"]["delete"];
  EXPECT_EQ(revoke_key["parameters"][0]["schema"]["type"], "integer");
  EXPECT_TRUE(revoke_key["responses"].contains("204"));
  EXPECT_TRUE(revoke_key["responses"].contains("404"));
  EXPECT_EQ(schemes["DataApiKey"]["name"], "X-API-Key");
  if (paths.contains("/api/uploads")) {
    const json& content = paths["/api/uploads"]["post"]["requestBody"]["content"];
    EXPECT_EQ(content["multipart/form-data"]["schema"]["properties"]["file"]["format"], "binary");
    EXPECT_TRUE(content.contains("application/octet-stream"));
  }
  // Error responses are JSON: {"detail": ...} or the validation shape.
  for (const auto& [path, item] : paths.items())
    for (const auto& [method, op] : item.items())
      for (const auto& [status, resp] : op["responses"].items()) {
        EXPECT_FALSE(resp.value("description", "").empty()) << method << " " << path << " " << status;
        if (std::stoi(status) >= 400) {
          EXPECT_TRUE(resp["content"].contains("application/json")) << method << " " << path << " " << status;
        }
      }
}

TEST(OpenApi, DocsOffRegistersNoDocsRoute) {
  TempDir dir;
  Config cfg;
  cfg.data_dir = dir.path;
  cfg.docs = false;
  AppContext ctx(cfg);
  App app(ctx);
  for (const auto& route : app.router().routes()) {
    EXPECT_NE(route.spec.path, "/openapi.json");
    EXPECT_NE(route.spec.path, "/docs");
    EXPECT_NE(route.spec.path, "/redoc");
    EXPECT_NE(route.spec.path.rfind("/docs/", 0), 0u) << route.spec.path;
  }
}

TEST(OpenApi, AssetsDirectoryLookup) {
  TempDir dir;
  EXPECT_EQ(find_docs_assets_dir(dir.path), "") << "configured folder without the assets";
  EXPECT_EQ(find_docs_assets_dir(dir.path + "/missing"), "");
  std::ofstream(dir.path + "/swagger-ui-bundle.js") << "//";
  EXPECT_EQ(find_docs_assets_dir(dir.path), std::filesystem::canonical(dir.path).string());
  auto c = docs_assets_candidates();
  ASSERT_GE(c.size(), 3u);
  // First: <exe dir>/../docs/assets (build folders live in the source tree).
  auto exe = std::filesystem::read_symlink("/proc/self/exe");
  EXPECT_EQ(c[0], exe.parent_path().parent_path().string() + "/docs/assets");
  EXPECT_NE(std::find(c.begin(), c.end(), "./docs/assets"), c.end());
}

// Idempotency-Key on the booking mutations: the request header, the header
// of a replayed answer, and the 409 of a key in progress.
TEST(OpenApi, IdempotentBookingRoutesDocumentBothHeaders) {
  TempDir dir;
  Config cfg;
  cfg.data_dir = dir.path;
  cfg.static_dir = dir.path;
  AppContext ctx(cfg);
  App app(ctx);
  json doc = openapi_document(app.router(), nullptr);
  for (auto [path, method, ok] : {std::tuple{"/api/bookings", "post", "201"},
                                  std::tuple{"/api/bookings/{id}/cancel", "post", "200"}}) {
    const json& op = doc["paths"][path][method];
    bool has_key = false;
    for (const auto& p : op["parameters"])
      if (p["name"] == "Idempotency-Key" && p["in"] == "header") {
        has_key = true;
        EXPECT_EQ(p["schema"]["maxLength"], 255) << path;
        EXPECT_FALSE(p.value("required", false)) << path;
      }
    EXPECT_TRUE(has_key) << path;
    EXPECT_TRUE(op["responses"][ok]["headers"].contains("Idempotent-Replayed")) << path;
    EXPECT_NE(op["responses"]["409"]["description"].get<std::string>().find("Idempotency-Key"), std::string::npos)
        << path;
  }
  EXPECT_FALSE(doc["paths"]["/api/bookings/{id}"]["get"]["responses"]["200"].contains("headers"));
}
