// The data key middleware on a chain behind the admin auth guard: the key
// matrix, the rate limit and its headers (also on a route's HttpError), and
// routes that are not data routes left alone.
#include "http/credentials.hpp"
#include "http/router.hpp"
#include "middleware/auth.hpp"
#include "middleware/data_key.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <string>

using namespace keel;
using namespace keel::api_keys;

namespace {
Response run_chain(const MiddlewareChain& chain, Request& req) {
  boost::asio::io_context io;
  auto fut = boost::asio::co_spawn(
      io, [&]() -> awaitable<Response> { co_return co_await chain.run(req); }, boost::asio::use_future);
  io.run();
  return fut.get();
}

struct DataChain {
  Registry keys{{"env-key"}, 2};
  RateLimiter limits;
  MiddlewareChain chain;
  bool throw_404 = false;
  int handled = 0;
  DataChain() {
    chain.use(auth_guard("admin-key"));
    chain.use(data_key_middleware(keys, limits));
    chain.terminal([this](Request&) -> awaitable<Response> {
      ++handled;
      if (throw_404) throw HttpError(404, "dataset not found");
      co_return Response::json(200, {{"ok", true}});
    });
  }
};

Route data_route() {
  Route r;
  r.spec.security = {kDataKeyScheme, kDataBearerScheme};
  return r;
}
}  // namespace

TEST(DataKeyMiddleware, Matrix) {
  DataChain c;
  Route route = data_route();
  auto call = [&](std::optional<std::string> key, const char* header = "X-API-Key") {
    Request req;
    req.route = &route;
    if (key) req.headers.set(header, *key);
    return run_chain(c.chain, req);
  };
  Response none = call(std::nullopt);
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.headers.get("WWW-Authenticate").value_or(""), "Bearer");
  EXPECT_EQ(call("wrong").status, 403);
  EXPECT_EQ(c.handled, 0);

  Response admin = call("admin-key");
  EXPECT_EQ(admin.status, 200);
  EXPECT_FALSE(admin.headers.has("RateLimit-Limit"));

  Response first = call("env-key");
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.headers.get("RateLimit-Limit").value_or(""), "2");
  EXPECT_EQ(first.headers.get("RateLimit-Remaining").value_or(""), "1");
  EXPECT_EQ(first.headers.get("RateLimit-Reset").value_or(""), "30");
  EXPECT_EQ(call("Bearer env-key", "Authorization").headers.get("RateLimit-Remaining").value_or(""), "0");
  Response limited = call("env-key");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.headers.get("Retry-After").value_or(""), "30");
  EXPECT_EQ(std::get<std::string>(limited.body), R"({"detail":"rate limit exceeded"})");
  EXPECT_EQ(c.handled, 3);
  // Refused requests spend nothing: the admin key still passes, unknown keys are still 403.
  EXPECT_EQ(call("admin-key").status, 200);
  EXPECT_EQ(call("wrong").status, 403);
}

TEST(DataKeyMiddleware, RateHeadersOnAnHttpErrorOfTheRoute) {
  DataChain c;
  c.throw_404 = true;
  Route route = data_route();
  Request req;
  req.route = &route;
  req.headers.set("X-API-Key", "env-key");
  try {
    run_chain(c.chain, req);
    FAIL() << "the route's HttpError should pass through";
  } catch (const HttpError& e) {
    EXPECT_EQ(e.status, 404);
    EXPECT_EQ(e.headers.get("RateLimit-Limit").value_or(""), "2");
    EXPECT_EQ(e.headers.get("RateLimit-Remaining").value_or(""), "1");
    EXPECT_TRUE(e.headers.has("RateLimit-Reset"));
  }
}

TEST(DataKeyMiddleware, OtherRoutesPassUntouched) {
  DataChain c;
  Route open;  // no security
  Request req;
  req.route = &open;
  Response r = run_chain(c.chain, req);
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.headers.has("RateLimit-Limit"));
  Request miss;  // no route at all
  EXPECT_EQ(run_chain(c.chain, miss).status, 200);
}
