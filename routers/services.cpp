#include "routers/services.hpp"

#include "http/json_body.hpp"
#include "routers/schemas.hpp"
#include "routers/service_schemas.hpp"
#include "routers/conditional.hpp"

namespace keel {

namespace {
using nlohmann::json;
using schemas::error_response;

// What a body may count as a document (http/json_body): the largest valid
// service (24 intervals a day, 366 closed dates, 48 durations) counts ~190 KiB.
constexpr std::uint64_t kServiceDocumentBudget = 256 * 1024;

json listed(const std::vector<catalogue::Service>& services) {
  json items = json::array();
  for (const auto& s : services) items.push_back(service_schemas::to_json(s));
  return {{"services", std::move(items)}};
}

ParamSpec slug_param() {
  return ParamSpec{.name = "slug",
                   .in = "path",
                   .schema = {{"type", "string"}, {"pattern", "^[a-z0-9][a-z0-9-]{0,63}$"}},
                   .required = true,
                   .description = "The service's slug"};
}

std::string slug_of(const Request& req) { return std::string(req.path_param("slug")); }

[[noreturn]] void service_not_found() { throw HttpError(404, "service not found"); }

void register_public(Router& router, AppContext& ctx) {
  RouteSpec list{.method = "GET",
                 .path = "/api/services",
                 .summary = "List the services",
                 .description =
                     "The active services, by slug, with every field: what a booking's `service` may name, "
                     "for how long, and when (opening_hours in KEEL_BUSINESS_TZ). The ETag names the "
                     "answer: send it back as If-None-Match for a 304 while nothing changed.",
                 .tag = "services",
                 .operation_id = "list_services"};
  list.responses = {{200, "The active services", service_schemas::list_schema()},
                    {304, "Not modified", nullptr, ""},
                    error_response(503, "Database unavailable or busy")};
  router.add(list, [&ctx](Request& req) -> awaitable<Response> {
    ctx.require_db();
    std::string body = listed(co_await ctx.catalogue->list(false)).dump();
    const std::string etag = body_etag(body);
    co_return tagged_json(req, std::move(body), etag);
  });
}

void register_admin_reads(Router& router, AppContext& ctx) {
  RouteSpec list{.method = "GET",
                 .path = "/api/admin/services",
                 .summary = "List every service",
                 .description = "Inactive ones included, by slug.",
                 .tag = "admin",
                 .operation_id = "admin_list_services",
                 .security = schemas::admin_security()};
  list.responses = schemas::admin_responses({{200, "The services", service_schemas::list_schema()}});
  router.add(list, [&ctx](Request&) -> awaitable<Response> {
    ctx.require_db();
    co_return Response::json(200, listed(co_await ctx.catalogue->list(true)));
  });

  RouteSpec read{.method = "GET",
                 .path = "/api/admin/services/{slug}",
                 .summary = "Read a service",
                 .description = "Active or not.",
                 .tag = "admin",
                 .operation_id = "admin_get_service",
                 .params = {slug_param()},
                 .security = schemas::admin_security()};
  read.responses = schemas::admin_responses(
      {{200, "The service", service_schemas::service_schema()}, error_response(404, "No such service")});
  router.add(read, [&ctx](Request& req) -> awaitable<Response> {
    ctx.require_db();
    auto s = co_await ctx.catalogue->get(slug_of(req));
    if (!s) service_not_found();
    co_return Response::json(200, service_schemas::to_json(*s));
  });
}

void register_admin_writes(Router& router, AppContext& ctx) {
  RouteSpec create{.method = "POST",
                   .path = "/api/admin/services",
                   .summary = "Create a service",
                   .description = "Bookings name it by its slug, which cannot change later.",
                   .tag = "admin",
                   .operation_id = "create_service",
                   .body = BodyKind::json,
                   .security = schemas::admin_security()};
  create.request_body = RequestBodySpec{{{"application/json", service_schemas::create_schema()}}};
  create.max_body_bytes = kSmallJsonBodyBytes;
  create.responses = schemas::admin_responses({{201, "The new service", service_schemas::service_schema()},
                                               error_response(409, "A service with this slug exists"),
                                               error_response(413, "Body over 64 KiB"),
                                               error_response(415, "Body is not JSON"),
                                               error_response(422, "Validation error")});
  router.add(create, [&ctx](Request& req) -> awaitable<Response> {
    json body = co_await read_json_body(req, ctx.config.max_body_bytes, kServiceDocumentBudget);
    service_schemas::Checked checked = service_schemas::check_create(body);
    schemas::raise_if_invalid(checked.issues);
    ctx.require_db();
    const std::string slug = checked.service.slug;
    bool duplicate = false;
    catalogue::Service made;
    try {
      made = co_await ctx.catalogue->create(std::move(checked.service));
    } catch (const catalogue::DuplicateSlug&) { duplicate = true; }
    if (duplicate) throw HttpError(409, "a service with slug '" + slug + "' already exists");
    Response r = Response::json(201, service_schemas::to_json(made));
    r.headers.set("Location", "/api/admin/services/" + made.slug);
    co_return r;
  });

  RouteSpec patch{.method = "PATCH",
                  .path = "/api/admin/services/{slug}",
                  .summary = "Change a service",
                  .description =
                      "The fields given replace the stored ones (in opening_hours day by day), then the "
                      "whole service is checked as a new one is. Deactivate (\"active\": false) a service "
                      "that has bookings instead of deleting it.",
                  .tag = "admin",
                  .operation_id = "update_service",
                  .params = {slug_param()},
                  .body = BodyKind::json,
                  .security = schemas::admin_security()};
  patch.request_body = RequestBodySpec{{{"application/json", service_schemas::patch_schema()}}};
  patch.max_body_bytes = kSmallJsonBodyBytes;
  patch.responses = schemas::admin_responses({{200, "The service", service_schemas::service_schema()},
                                              error_response(404, "No such service"),
                                              error_response(413, "Body over 64 KiB"),
                                              error_response(415, "Body is not JSON"),
                                              error_response(422, "Validation error")});
  router.add(patch, [&ctx](Request& req) -> awaitable<Response> {
    json body = co_await read_json_body(req, ctx.config.max_body_bytes, kServiceDocumentBudget);
    ctx.require_db();
    const std::string slug = slug_of(req);
    auto stored = co_await ctx.catalogue->get(slug);
    if (!stored) service_not_found();
    service_schemas::Checked checked = service_schemas::check_patch(*stored, body);
    schemas::raise_if_invalid(checked.issues);
    auto after = co_await ctx.catalogue->replace(slug, std::move(checked.service));
    if (!after) service_not_found();
    co_return Response::json(200, service_schemas::to_json(*after));
  });

  RouteSpec remove{.method = "DELETE",
                   .path = "/api/admin/services/{slug}",
                   .summary = "Delete a service",
                   .description = "Only a service no booking names; deactivate one that has bookings instead.",
                   .tag = "admin",
                   .operation_id = "delete_service",
                   .params = {slug_param()},
                   .security = schemas::admin_security()};
  remove.responses = schemas::admin_responses({{204, "Deleted", nullptr, ""},
                                               error_response(404, "No such service"),
                                               error_response(409, "The service has bookings")});
  router.add(remove, [&ctx](Request& req) -> awaitable<Response> {
    ctx.require_db();
    bool in_use = false;
    std::optional<bool> removed;
    try {
      removed = co_await ctx.catalogue->remove(slug_of(req));
    } catch (const catalogue::ServiceInUse&) { in_use = true; }
    if (in_use) throw HttpError(409, "service has bookings; deactivate it instead");
    if (!removed) service_not_found();
    co_return Response::empty(204);
  });
}
}  // namespace

void register_service_routes(Router& router, AppContext& ctx) {
  register_public(router, ctx);
  register_admin_reads(router, ctx);
  register_admin_writes(router, ctx);
}

}  // namespace keel
