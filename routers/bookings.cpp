#include "routers/bookings.hpp"

#include "http/json_body.hpp"
#include "http/random_id.hpp"
#include "routers/booking_access.hpp"
#include "routers/booking_rules.hpp"
#include "routers/booking_schemas.hpp"
#include "routers/idempotency.hpp"
#include "routers/schemas.hpp"
#include "services/calendar/booking_event.hpp"
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
    bookings::NewBooking nb = booking_schemas::new_booking_from(body);
    // The catalogue entry it names: by slug, or by the free-text name it
    // had before the catalogue (migration 0006).
    std::optional<catalogue::Service> svc = co_await ctx.catalogue->find_for_booking(nb.service);
    if (!svc) raise_unknown_service(nb.service);
    nb.service = svc->slug;
    std::string token = random_token(32);
    bookings::Booking b = co_await create_or_raise(ctx, std::move(nb), sha256_hex(token));
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

  RouteSpec reschedule{.method = "POST",
                       .path = "/api/bookings/{id:int}/reschedule",
                       .summary = "Move a booking",
                       .description =
                           "Moves a pending or confirmed booking to `starts_at` (and `duration_minutes`, default its "
                           "own): the old slot is freed and the new one taken in one transaction, or nothing "
                           "changes. The same 422 rules as a create; 409 `slot taken`; 409 for a cancelled or "
                           "completed booking. The calendar file's SEQUENCE grows by one.",
                       .tag = "bookings",
                       .operation_id = "reschedule_booking",
                       .params = {schemas::booking_id_param()},
                       .body = BodyKind::json,
                       .security = schemas::booking_security()};
  reschedule.request_body =
      RequestBodySpec{{{"application/json", booking_schemas::reschedule_model().json_schema()}}};
  reschedule.max_body_bytes = kSmallJsonBodyBytes;
  reschedule.responses =
      schemas::booking_responses({{200, "The moved booking", booking_schemas::booking_schema(false)},
                                  error_response(409, "The slot is taken, or the booking is cancelled or completed"),
                                  error_response(413, "Body over 64 KiB"),
                                  error_response(415, "Body is not JSON")});
  document_idempotency(reschedule);
  router.add(reschedule, idempotent_booking_route(ctx, [&ctx](Request& req) -> awaitable<Response> {
    auto b = co_await authorize_booking(req, ctx, schemas::id_param(req));
    nlohmann::json body = co_await read_json_body(req, ctx.config.max_body_bytes);
    schemas::raise_if_invalid(booking_schemas::reschedule_model().validate(body));
    const std::int64_t starts_at = booking_schemas::reschedule_start(body);
    const std::optional<int> minutes = booking_schemas::reschedule_duration(body);
    auto after = co_await reschedule_or_raise(ctx, b.id, starts_at, minutes);
    co_return Response::json(200, booking_schemas::to_json(after));
  }));

  RouteSpec ics{.method = "GET",
                .path = "/api/bookings/{id:int}/calendar.ics",
                     .summary = "Add a booking to a calendar",
                     .description =
                         "An iCalendar (RFC 5545) file with one VEVENT: UID `booking-<id>@keel` (stable), DTSTART and "
                         "DTEND in UTC, SUMMARY the service's name, STATUS TENTATIVE (pending), CONFIRMED (confirmed, "
                         "completed) or CANCELLED, SEQUENCE that grows on each reschedule and cancel, DTSTAMP the "
                         "booking's last change.",
                     .tag = "bookings",
                     .operation_id = "get_booking_calendar",
                     .params = {schemas::booking_id_param()},
                     .security = schemas::booking_security()};
  ics.responses = schemas::booking_responses(
      {{200, "The calendar file", {{"type", "string"}}, "text/calendar"}});
  router.add(ics, [&ctx](Request& req) -> awaitable<Response> {
    auto b = co_await authorize_booking(req, ctx, schemas::id_param(req));
    Response r = Response::text(200, calendar::ics_document(calendar::event_of(b)), "text/calendar; charset=utf-8");
    r.headers.set("Content-Disposition", "attachment; filename=\"booking-" + std::to_string(b.id) + ".ics\"");
    r.headers.set("Cache-Control", "private, no-cache");
    co_return r;
  });
}

}  // namespace keel
