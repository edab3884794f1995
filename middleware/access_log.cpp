#include "middleware/access_log.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <exception>

namespace keel {

namespace {
void log_line(bool json, const std::string& instance, const Request& req, std::chrono::steady_clock::time_point started,
              int status, std::uint64_t bytes) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started).count();
  double ms = static_cast<double>(us) / 1000.0;
  if (json) {
    nlohmann::json j{{"event", "access"},
                     {"method", req.method},
                     {"path", req.path},
                     {"status", status},
                     {"bytes", bytes},
                     {"duration_ms", ms},
                     {"request_id", req.request_id},
                     {"remote", req.remote},
                     {"instance", instance}};
    spdlog::info("{}", j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  } else {
    spdlog::info("{} {} {} {}B {:.2f}ms rid={} from={} on={}", req.method, req.path, status, bytes, ms,
                 req.request_id, req.remote, instance);
  }
}
}  // namespace

Middleware access_log_middleware(bool json, const std::string* instance) {
  // The level is set once at start, before the chain is built: with the
  // access log off (a level above info) it costs requests nothing.
  if (!spdlog::should_log(spdlog::level::info)) return {};
  return [json, instance](Request& req, const Next& next) -> awaitable<Response> {
    // Timed from here, right after the head was parsed and routed: the
    // server reads no clock for requests when the log is off.
    const auto started = std::chrono::steady_clock::now();
    std::exception_ptr err;
    Response res;
    try {
      res = co_await next(req);
    } catch (...) { err = std::current_exception(); }
    if (err) {
      log_line(json, *instance, req, started, 499, 0);
      std::rethrow_exception(err);
    }
    log_line(json, *instance, req, started, res.status, req.is_head() ? 0 : res.body_size());
    co_return res;
  };
}

}  // namespace keel
