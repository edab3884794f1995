// The test-only routes (app/test_routes.hpp). Outside the layers on purpose:
// they throw, sleep and run SQL of their own to provoke what the tests check.
#include "app/test_routes.hpp"

#include "http/json_body.hpp"
#include "routers/idempotency.hpp"
#include "routers/schemas.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cppconn/connection.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <atomic>
#include <charconv>
#include <new>

namespace keel {

void register_test_routes(Router& router, AppContext& ctx) {
  auto hidden = [](std::string method, std::string path, BodyKind body = BodyKind::none) {
    RouteSpec s{.method = std::move(method), .path = std::move(path), .tag = "test"};
    s.body = body;
    s.include_in_schema = false;
    return s;
  };
  router.add(hidden("GET", "/api/_test/bad_alloc"), [](Request&) -> awaitable<Response> {
    throw std::bad_alloc();
    co_return Response::empty(204);
  });
  router.add(hidden("GET", "/api/_test/throw"), [](Request&) -> awaitable<Response> {
    throw std::runtime_error("deliberate failure for tests");
    co_return Response::empty(204);
  });
  router.add(hidden("GET", "/api/_test/slow"), [](Request& req) -> awaitable<Response> {
    unsigned ms = 0;
    if (auto v = req.query_param("ms")) std::from_chars(v->data(), v->data() + v->size(), ms);
    boost::asio::steady_timer t(co_await boost::asio::this_coro::executor, std::chrono::milliseconds(ms));
    co_await t.async_wait(boost::asio::use_awaitable);
    co_return Response::json(200, {{"slept_ms", ms}});
  });
  // A streamed body of ?chunks= pieces "chunk-<i>;" (chunked on HTTP/1.1,
  // close-delimited on HTTP/1.0).
  router.add(hidden("GET", "/api/_test/stream"), [](Request& req) -> awaitable<Response> {
    unsigned chunks = 0;
    if (auto v = req.query_param("chunks")) std::from_chars(v->data(), v->data() + v->size(), chunks);
    auto i = std::make_shared<unsigned>(0);
    Response r;
    r.headers.set("Content-Type", "text/plain");
    r.body = StreamBody{[i, chunks]() -> awaitable<std::optional<std::string>> {
      if (*i >= chunks) co_return std::nullopt;
      co_return "chunk-" + std::to_string((*i)++) + ";";
    }};
    co_return r;
  });
  // Holds a pooled connection for ?ms= milliseconds (pool tests).
  router.add(hidden("GET", "/api/_test/db_sleep"), [&ctx](Request& req) -> awaitable<Response> {
    unsigned ms = 0;
    if (auto v = req.query_param("ms")) std::from_chars(v->data(), v->data() + v->size(), ms);
    ctx.require_db();
    auto id = co_await ctx.db->run([ms](sql::Connection& c) {
      std::unique_ptr<sql::Statement> st(c.createStatement());
      std::unique_ptr<sql::ResultSet> rs(
          st->executeQuery("SELECT CONNECTION_ID(), SLEEP(" + std::to_string(ms / 1000.0) + ")"));
      rs->next();
      return rs->getInt64(1);
    });
    co_return Response::json(200, {{"connection_id", id}});
  });
  router.add(hidden("POST", "/api/_test/json_size", BodyKind::json), [&ctx](Request& req) -> awaitable<Response> {
    std::string body = co_await read_body_capped(req, ctx.config.max_body_bytes);
    co_return Response::json(200, {{"bytes", body.size()}});
  });
  router.add(hidden("POST", "/api/_test/json_echo", BodyKind::json), [&ctx](Request& req) -> awaitable<Response> {
    nlohmann::json j = co_await read_json_body(req, ctx.config.max_body_bytes);
    co_return Response::json(200, j);
  });
  router.add(hidden("POST", "/api/_test/stream_size", BodyKind::stream), [](Request& req) -> awaitable<Response> {
    std::vector<char> buf(64 * 1024);
    std::uint64_t total = 0;
    for (;;) {
      std::size_t n = co_await req.body->read_some(buf);
      if (n == 0) break;
      total += n;
    }
    co_return Response::json(200, {{"bytes", total}});
  });
  // A data route (middleware/data_key decides who gets here), for the API key tests.
  RouteSpec ping = hidden("GET", "/__test/data-ping");
  ping.security = schemas::data_security();
  router.add(ping, [](Request&) -> awaitable<Response> { co_return Response::json(200, {{"ok", true}}); });
  // The same, answering 404 through an HttpError (RateLimit headers must still be there).
  RouteSpec missing = hidden("GET", "/__test/data-missing");
  missing.security = schemas::data_security();
  router.add(missing, [](Request&) -> awaitable<Response> {
    throw HttpError(404, "dataset not found");
    co_return Response::empty(204);
  });
  // A PING through the one Redis connection: what a job's first command
  // does to it (opens it, so /api/health reports its state).
  router.add(hidden("GET", "/api/_test/redis_ping"), [&ctx](Request&) -> awaitable<Response> {
    if (!ctx.redis) throw HttpError(503, "redis not configured");
    try {
      std::vector<std::string> argv(1, "PING");
      redis::Reply reply = co_await ctx.redis->command(std::move(argv));
      co_return Response::json(200, {{"reply", redis::describe(reply)}});
    } catch (const redis::Error& e) {
      throw HttpError(503, e.what());
    }
  });
  // A mutation under idempotent_booking_route that tests can steer by
  // header: X-Test-Sleep-Ms (slow, so a second request sees it running),
  // X-Test-Status (its answer's status), X-Test-Throw (an exception: 500).
  // Answers {"calls": how many times it ran in this process, "echo": body}.
  router.add(hidden("POST", "/api/_test/idempotent", BodyKind::json),
             idempotent_booking_route(ctx, [&ctx](Request& req) -> awaitable<Response> {
               static std::atomic<unsigned> calls{0};
               const unsigned n = ++calls;
               nlohmann::json echo = co_await read_json_body(req, ctx.config.max_body_bytes);
               unsigned ms = 0, status = 200;
               if (auto v = req.header("X-Test-Sleep-Ms")) std::from_chars(v->data(), v->data() + v->size(), ms);
               if (auto v = req.header("X-Test-Status")) std::from_chars(v->data(), v->data() + v->size(), status);
               boost::asio::steady_timer t(co_await boost::asio::this_coro::executor, std::chrono::milliseconds(ms));
               co_await t.async_wait(boost::asio::use_awaitable);
               if (req.header("X-Test-Throw")) throw std::runtime_error("deliberate failure for tests");
               co_return Response::json(static_cast<int>(status), {{"calls", n}, {"echo", echo}});
             }));
}

}  // namespace keel
