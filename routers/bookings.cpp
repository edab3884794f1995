#include "routers/bookings.hpp"

#include "http/json_body.hpp"
#include "http/random_id.hpp"
#include "routers/booking_access.hpp"
#include "routers/booking_schemas.hpp"
#include "routers/idempotency.hpp"
#include "routers/schemas.hpp"
#include "services/crypto/sha256.hpp"

namespace keel {

void register_booking_routes(Router& router, AppContext& ctx) {
  using schemas::error_response;

  RouteSpec create{.method = "POST",
                   .path = "/api/bookings",
                   .summary = "Create a booking",
                   .description =
                       "Returns the booking and its manage_token, the only time the token is shown. "
                       "Overlapping a non-cancelled booking of the same service answers 409.",
                   .tag = "bookings",
                   .operation_id = "create_booking",
                   .body = BodyKind::json};
  create.request_body = RequestBodySpec{{{"application/json", booking_schemas::create_model().json_schema()}}};
  create.max_body_bytes = kSmallJsonBodyBytes;
  create.responses = {{201, "Created", booking_schemas::booking_schema(true)},
                      error_response(409, "The slot overlaps another booking of the same service"),
                      error_response(413, "Body over 64 KiB"),
                      error_response(415, "Body is not JSON"),
                      error_response(422, "Validation error"),
                      error_response(503, "Database unavailable or busy")};
  document_idempotency(create);
  router.add(create, idempotent_booking_route(ctx, [&ctx](Request& req) -> awaitable<Response> {
    nlohmann::json body = co_await read_json_body(req, ctx.config.max_body_bytes);
    schemas::raise_if_invalid(booking_schemas::create_model().validate(body));
    ctx.require_db();
    std::string token = random_token(32);
    bool taken = false;
    bookings::Booking b;
    try {
      b = co_await ctx.bookings->create(booking_schemas::new_booking_from(body), sha256_hex(token));
    } catch (const bookings::SlotTaken&) { taken = true; }
    if (taken) throw HttpError(409, "slot taken");
    nlohmann::json j = booking_schemas::to_json(b);
    j["manage_token"] = token;
    Response r = Response::json(201, j);
    r.headers.set("Location", "/api/bookings/" + std::to_string(b.id));
    co_return r;
  }));

  RouteSpec read{.method = "GET",
                 .path = "/api/bookings/{id:int}",
                 .summary = "Read a booking",
                 .tag = "bookings",
                 .operation_id = "get_booking",
                 .params = {schemas::booking_id_param()},
                 .security = schemas::booking_security()};
  read.responses = schemas::booking_responses({{200, "The booking", booking_schemas::booking_schema(false)}});
  router.add(read, [&ctx](Request& req) -> awaitable<Response> {
    auto b = co_await authorize_booking(req, ctx, schemas::id_param(req));
    co_return Response::json(200, booking_schemas::to_json(b));
  });

  RouteSpec cancel{.method = "POST",
                   .path = "/api/bookings/{id:int}/cancel",
                   .summary = "Cancel a booking",
                   .description = "A completed or already cancelled booking answers 409.",
                   .tag = "bookings",
                   .operation_id = "cancel_booking",
                   .params = {schemas::booking_id_param()},
                   .security = schemas::booking_security()};
  cancel.responses =
      schemas::booking_responses({{200, "The cancelled booking", booking_schemas::booking_schema(false)},
                                  error_response(409, "The booking cannot be cancelled from its status")});
  document_idempotency(cancel);
  router.add(cancel, idempotent_booking_route(ctx, [&ctx](Request& req) -> awaitable<Response> {
    auto b = co_await authorize_booking(req, ctx, schemas::id_param(req));
    auto after = co_await change_status(ctx, b.id, "cancelled");
    co_return Response::json(200, booking_schemas::to_json(after));
  }));
}

}  // namespace keel
