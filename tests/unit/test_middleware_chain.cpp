// The middleware chain: order, guards answering inline, empty items left
// out, and exceptions from guards reaching the middleware around them.
#include "middleware/middleware.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <string>
#include <vector>

using namespace keel;

namespace {

Response run_chain(const MiddlewareChain& chain, Request& req) {
  boost::asio::io_context io;
  auto fut = boost::asio::co_spawn(
      io, [&]() -> awaitable<Response> { co_return co_await chain.run(req); }, boost::asio::use_future);
  io.run();
  return fut.get();
}

Middleware tagging(std::vector<std::string>& trace, std::string name) {
  return [&trace, name](Request& req, const Next& next) -> awaitable<Response> {
    trace.push_back(name + " in");
    Response r = co_await next(req);
    trace.push_back(name + " out");
    r.headers.add("X-Seen", name);
    co_return r;
  };
}

Next terminal_ok(std::vector<std::string>& trace) {
  return [&trace](Request&) -> awaitable<Response> {
    trace.push_back("handler");
    co_return Response::text(200, "ok");
  };
}

}  // namespace

TEST(MiddlewareChain, RunsOutermostFirstAndUnwindsInReverse) {
  std::vector<std::string> trace;
  MiddlewareChain chain;
  chain.use(tagging(trace, "a"));
  chain.use(Guard([&trace](Request&) -> std::optional<Response> {
    trace.push_back("guard");
    return std::nullopt;
  }));
  chain.use(tagging(trace, "b"));
  chain.terminal(terminal_ok(trace));
  Request req;
  Response r = run_chain(chain, req);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(trace, (std::vector<std::string>{"a in", "guard", "b in", "handler", "b out", "a out"}));
  ASSERT_EQ(r.headers.size(), 3u);  // Content-Type, then b's, then a's
  EXPECT_EQ(r.headers.fields()[1].second, "b");
  EXPECT_EQ(r.headers.fields()[2].second, "a");
}

TEST(MiddlewareChain, AGuardThatAnswersStopsTheRestButNotTheOuterMiddleware) {
  std::vector<std::string> trace;
  MiddlewareChain chain;
  chain.use(tagging(trace, "outer"));
  chain.use(Guard([](Request& req) -> std::optional<Response> {
    if (req.path == "/blocked") return Response::error(403, "no");
    return std::nullopt;
  }));
  chain.use(tagging(trace, "inner"));
  chain.terminal(terminal_ok(trace));

  Request blocked;
  blocked.path = "/blocked";
  Response r = run_chain(chain, blocked);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(trace, (std::vector<std::string>{"outer in", "outer out"}));
  EXPECT_EQ(r.headers.get("X-Seen").value_or(""), "outer");

  trace.clear();
  Request open;
  open.path = "/open";
  EXPECT_EQ(run_chain(chain, open).status, 200);
  EXPECT_EQ(trace.size(), 5u);
}

TEST(MiddlewareChain, AGuardsExceptionIsCaughtByTheMiddlewareAroundIt) {
  MiddlewareChain chain;
  chain.use(Middleware([](Request& req, const Next& next) -> awaitable<Response> {
    std::optional<Response> failed;
    try {
      co_return co_await next(req);
    } catch (const HttpError& e) { failed = Response::error(e.status, e.detail); }
    co_return std::move(*failed);
  }));
  chain.use(Guard([](Request&) -> std::optional<Response> { throw HttpError(429, "slow down"); }));
  chain.terminal([](Request&) -> awaitable<Response> { co_return Response::text(200, "unreachable"); });
  Request req;
  Response r = run_chain(chain, req);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(std::get<std::string>(r.body), R"({"detail":"slow down"})");
}

TEST(MiddlewareChain, EmptyItemsAreLeftOut) {
  std::vector<std::string> trace;
  MiddlewareChain chain;
  chain.use(Middleware{});
  chain.use(Guard{});
  chain.use(tagging(trace, "only"));
  chain.terminal(terminal_ok(trace));
  EXPECT_EQ(chain.size(), 1u);
  Request req;
  EXPECT_EQ(run_chain(chain, req).status, 200);
  EXPECT_EQ(trace, (std::vector<std::string>{"only in", "handler", "only out"}));
}

TEST(MiddlewareChain, WithoutItemsTheTerminalAnswers) {
  std::vector<std::string> trace;
  MiddlewareChain chain;
  chain.terminal(terminal_ok(trace));
  Request req;
  EXPECT_EQ(run_chain(chain, req).status, 200);
  EXPECT_EQ(trace, (std::vector<std::string>{"handler"}));
}
