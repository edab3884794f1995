#include "routers/api_keys.hpp"

#include "http/json_body.hpp"
#include "routers/schemas.hpp"
#include "services/api_keys/issue.hpp"

namespace keel {

namespace {
using nlohmann::json;
using validation::Field;
using validation::Kind;

constexpr std::int64_t kMaxRatePerMinute = 100000;

const validation::Model& create_model() {
  static const validation::Model m{
      "ApiKeyCreate",
      {
          Field{.name = "name",
                .min_length = 1,
                .max_length = 80,
                .description = "Who the key is for",
                .example = "partner-acme"},
          Field{.name = "rate_per_minute",
                .kind = Kind::integer,
                .required = false,
                .nullable = true,
                .minimum = 1,
                .maximum = kMaxRatePerMinute,
                .description = "Requests per minute (token bucket); default KEEL_DATA_RATE_PER_MIN",
                .example = 600},
      }};
  return m;
}

json key_properties() {
  return {{"id", {{"type", "integer"}}},
          {"name", {{"type", "string"}}},
          {"prefix", {{"type", "string"}, {"description", "The key's first 8 characters"}}},
          {"rate_per_minute",
           {{"type", "integer"}, {"description", "The effective rate: the key's own, else KEEL_DATA_RATE_PER_MIN"}}},
          {"created_at", {{"type", "string"}, {"format", "date-time"}}}};
}

json created_schema() {
  json props = key_properties();
  props["key"] = {{"type", "string"}, {"description", "The key itself: shown this once, stored only as a hash"}};
  return {{"type", "object"},
          {"properties", props},
          {"required", json::array({"id", "name", "key", "prefix", "rate_per_minute", "created_at"})}};
}

json list_schema() {
  json props = key_properties();
  props["revoked_at"] = {{"type", "string"}, {"format", "date-time"}, {"description", "Only on revoked keys"}};
  json item = {{"type", "object"},
               {"properties", props},
               {"required", json::array({"id", "name", "prefix", "rate_per_minute", "created_at"})}};
  return {{"type", "object"},
          {"properties", {{"keys", {{"type", "array"}, {"items", item}}}}},
          {"required", json::array({"keys"})}};
}

json to_json(const api_keys::KeyRow& row, std::uint64_t default_rate) {
  json j = {{"id", row.id},
            {"name", row.name},
            {"prefix", row.prefix},
            {"rate_per_minute", row.rate_per_minute.value_or(default_rate)},
            {"created_at", row.created_at}};
  if (row.revoked_at) j["revoked_at"] = *row.revoked_at;
  return j;
}
}  // namespace

void register_api_key_routes(Router& router, AppContext& ctx) {
  using schemas::error_response;
  RouteSpec create{.method = "POST",
                   .path = "/api/admin/api-keys",
                   .summary = "Create a data API key",
                   .description = "The key is in this answer only (the table keeps its SHA-256). It works at once on "
                                  "this instance and within 5 s on the others.",
                   .tag = "admin",
                   .operation_id = "create_api_key",
                   .body = BodyKind::json,
                   .security = schemas::admin_security()};
  create.request_body = RequestBodySpec{{{"application/json", create_model().json_schema()}}};
  create.max_body_bytes = kSmallJsonBodyBytes;
  create.responses = schemas::admin_responses({{201, "The new key", created_schema()},
                                               error_response(413, "Body over 64 KiB"),
                                               error_response(415, "Body is not JSON"),
                                               error_response(422, "Validation error")});
  router.add(create, [&ctx](Request& req) -> awaitable<Response> {
    json body = co_await read_json_body(req, ctx.config.max_body_bytes);
    schemas::raise_if_invalid(create_model().validate(body));
    ctx.require_db();
    std::optional<std::uint64_t> rate;
    if (body.contains("rate_per_minute") && !body["rate_per_minute"].is_null())
      rate = body["rate_per_minute"].get<std::uint64_t>();
    api_keys::IssuedKey issued =
        co_await api_keys::issue_key(*ctx.api_key_rows, ctx.api_keys, body["name"].get<std::string>(), rate);
    json out = to_json(issued.row, ctx.config.data_rate_per_min);
    out["key"] = std::move(issued.key);
    co_return Response::json(201, out);
  });

  RouteSpec list{.method = "GET",
                 .path = "/api/admin/api-keys",
                 .summary = "List the data API keys",
                 .description = "Every key of the table, revoked ones with revoked_at; never the keys themselves. "
                                "The keys of KEEL_DATA_API_KEYS are configuration and not listed.",
                 .tag = "admin",
                 .operation_id = "list_api_keys",
                 .security = schemas::admin_security()};
  list.responses = schemas::admin_responses({{200, "The keys", list_schema()}});
  router.add(list, [&ctx](Request&) -> awaitable<Response> {
    ctx.require_db();
    std::vector<api_keys::KeyRow> rows = co_await ctx.api_key_rows->list();
    json keys = json::array();
    for (const auto& r : rows) keys.push_back(to_json(r, ctx.config.data_rate_per_min));
    co_return Response::json(200, {{"keys", keys}});
  });

  RouteSpec revoke{
      .method = "DELETE",
      .path = "/api/admin/api-keys/{id:int}",
      .summary = "Revoke a data API key",
      .description = "The row stays, with revoked_at. Refused at once on this instance and within 5 s on the others. "
                     "Revoking a revoked key again is 204 too.",
      .tag = "admin",
      .operation_id = "revoke_api_key",
      .params = {ParamSpec{.name = "id", .in = "path", .schema = {{"type", "integer"}}, .required = true}},
      .security = schemas::admin_security()};
  revoke.responses = schemas::admin_responses(
      {{204, "Revoked", nullptr, ""}, error_response(404, "No such key"), error_response(422, "Validation error")});
  router.add(revoke, [&ctx](Request& req) -> awaitable<Response> {
    ctx.require_db();
    const api_keys::RevokeResult r =
        co_await api_keys::revoke_key(*ctx.api_key_rows, ctx.api_keys, ctx.rate_limits, schemas::id_param(req));
    if (r == api_keys::RevokeResult::not_found) throw HttpError(404, "API key not found");
    co_return Response::empty(204);
  });
}

}  // namespace keel
