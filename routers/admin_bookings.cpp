#include "routers/admin_bookings.hpp"

#include "http/json_body.hpp"
#include "http/text/iso_datetime.hpp"
#include "routers/booking_access.hpp"
#include "routers/booking_schemas.hpp"
#include "routers/schemas.hpp"

#include <charconv>

namespace keel {

namespace {
std::int64_t to_int(std::string_view s) {
  std::int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}
}  // namespace

bookings::ListFilter list_filter_from(const Request& req) {
  bookings::ListFilter f;
  if (auto v = req.query_param("status")) f.status = std::string(*v);
  if (auto v = req.query_param("service")) f.service = std::string(*v);
  if (auto v = req.query_param("from")) f.from = text::parse_iso_datetime(*v, false);
  if (auto v = req.query_param("to")) f.to = text::parse_iso_datetime(*v, false);
  if (auto v = req.query_param("limit")) f.limit = static_cast<int>(to_int(*v));
  if (auto v = req.query_param("offset")) f.offset = to_int(*v);
  return f;
}

void register_admin_booking_routes(Router& router, AppContext& ctx) {
  using schemas::error_response;
  RouteSpec list{
      .method = "GET",
      .path = "/api/admin/bookings",
      .summary = "List bookings",
      .description = "Filtered by status, service and a [from, to) range on starts_at; ordered by starts_at.",
      .tag = "admin",
      .operation_id = "list_bookings",
      .params = schemas::query_params(booking_schemas::list_query_model()),
      .security = schemas::admin_security()};
  list.responses = schemas::admin_responses(
      {{200, "A page of bookings", booking_schemas::page_schema()}, error_response(422, "Validation error")});
  router.add(list, [&ctx](Request& req) -> awaitable<Response> {
    schemas::raise_if_invalid(booking_schemas::list_query_model().validate_query(req.query));
    ctx.require_db();
    bookings::Page page = co_await ctx.bookings->list(list_filter_from(req));
    nlohmann::json items = nlohmann::json::array();
    for (const auto& b : page.items) items.push_back(booking_schemas::to_json(b));
    co_return Response::json(200, {{"total", page.total}, {"items", items}});
  });

  RouteSpec patch{.method = "PATCH",
                  .path = "/api/admin/bookings/{id:int}",
                  .summary = "Change a booking's status",
                  .description =
                      "Allowed: pending -> confirmed -> completed; pending or confirmed -> cancelled. "
                      "Anything else answers 409.",
                  .tag = "admin",
                  .operation_id = "update_booking_status",
                  .params = {ParamSpec{.name = "id", .in = "path", .schema = {{"type", "integer"}}, .required = true}},
                  .body = BodyKind::json,
                  .security = schemas::admin_security()};
  patch.request_body = RequestBodySpec{{{"application/json", booking_schemas::status_model().json_schema()}}};
  patch.max_body_bytes = kSmallJsonBodyBytes;
  patch.responses = schemas::admin_responses({{200, "The booking", booking_schemas::booking_schema(false)},
                                              error_response(404, "No such booking"),
                                              error_response(409, "Transition not allowed"),
                                              error_response(413, "Body over 64 KiB"),
                                              error_response(415, "Body is not JSON"),
                                              error_response(422, "Validation error")});
  router.add(patch, [&ctx](Request& req) -> awaitable<Response> {
    nlohmann::json body = co_await read_json_body(req, ctx.config.max_body_bytes);
    schemas::raise_if_invalid(booking_schemas::status_model().validate(body));
    ctx.require_db();
    auto after = co_await change_status(ctx, schemas::id_param(req), body["status"].get<std::string>());
    co_return Response::json(200, booking_schemas::to_json(after));
  });
}

}  // namespace keel
