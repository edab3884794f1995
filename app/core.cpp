#include "app/core.hpp"

#include "app/test_routes.hpp"
#include "middleware/access_log.hpp"
#include "middleware/auth.hpp"
#include "middleware/body_limit.hpp"
#include "middleware/data_key.hpp"
#include "middleware/cors.hpp"
#include "middleware/error_catcher.hpp"
#include "middleware/memory_protection.hpp"
#include "middleware/request_id.hpp"
#include "routers/admin_bookings.hpp"
#include "routers/api_keys.hpp"
#include "routers/availability.hpp"
#include "routers/bookings.hpp"
#include "routers/datasets.hpp"
#include "routers/docs.hpp"
#include "routers/health.hpp"
#include "routers/jobs.hpp"
#include "routers/reports.hpp"
#include "routers/market.hpp"
#include "routers/pdf.hpp"
#include "routers/services.hpp"
#include "routers/static_files.hpp"
#include "routers/uploads.hpp"

#include <cstdlib>

namespace keel {

namespace {
awaitable<Response> route_miss(Request& req) {
  if (req.route_miss_status == 405) {
    Response r = Response::error(405, "Method Not Allowed");
    r.headers.set("Allow", req.allow);
    co_return r;
  }
  co_return Response::error(404, "Not Found");
}
}  // namespace

App::App(AppContext& ctx) : ctx_(ctx) {
  const Config& cfg = ctx.config;
  // Outermost first (docs/ARCHITECTURE.md): request id + access log -> error catcher
  // (DB errors included) -> memory protection -> body limit -> CORS -> auth -> data keys.
  // Memory protection, body limit and auth are guards: they run inline; the
  // data key check wraps only data routes (it adds RateLimit-* headers).
  chain_.use(request_id_guard());
  chain_.use(access_log_middleware(cfg.log_format == "json", &ctx.instance));
  chain_.use(error_catcher_middleware(ctx.errors));
  chain_.use(memory_protection_guard(ctx.memory));
  chain_.use(body_limit_guard(cfg.max_body_bytes, cfg.max_upload_bytes));
  chain_.use(cors_middleware(cfg.cors_origins));
  chain_.use(auth_guard(cfg.admin_api_key));
  chain_.use(data_key_middleware(ctx.api_keys, ctx.rate_limits));
  // Not a coroutine: hands on the route handler's awaitable (a 422 for a
  // bad path parameter is thrown inside the error catcher's co_await).
  chain_.terminal([](Request& req) -> awaitable<Response> {
    if (req.route_miss_status == 422) throw validation_error(req.param_issues);
    if (req.route) return req.route->handler(req);
    return route_miss(req);
  });

  register_health_routes(router_, ctx);
  register_booking_routes(router_, ctx);
  register_service_routes(router_, ctx);
  register_availability_routes(router_, ctx);
  register_admin_booking_routes(router_, ctx);
  register_api_key_routes(router_, ctx);
  register_upload_routes(router_, ctx);
  register_static_routes(router_, ctx);
  register_pdf_routes(router_, ctx);
  register_dataset_routes(router_, ctx);
  register_admin_dataset_routes(router_, ctx);
  register_job_routes(router_, ctx);
  register_report_routes(router_, ctx);
  register_market_routes(router_, ctx);
#ifdef KEEL_TEST_ROUTES
  if (const char* t = std::getenv("KEEL_ENABLE_TEST_ROUTES"); t && std::string_view(t) == "1")
    register_test_routes(router_, ctx);
#endif
  register_docs_routes(router_, ctx);
}

awaitable<Response> App::handle(Request& req) {
  RouteMatch m = router_.match(req.method, req.segments);
  switch (m.kind) {
    case RouteMatch::found:
      req.route = m.route;
      req.path_params = std::move(m.params);
      break;
    case RouteMatch::method_not_allowed:
      req.route_miss_status = 405;
      req.allow = std::move(m.allow);
      break;
    case RouteMatch::bad_param:
      // Auth still runs first on admin routes: keep the route for it, but
      // the handler is replaced by the 422.
      req.route = m.route;
      req.route_miss_status = 422;
      req.param_issues = std::move(m.issues);
      break;
    case RouteMatch::not_found:
      req.route_miss_status = 404;
      break;
  }
  return chain_.run(req);
}

}  // namespace keel
