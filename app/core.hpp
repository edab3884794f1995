#pragma once
// Wires middleware and routers together, the way app/core.py does in a
// FastAPI project.
#include "http/router.hpp"
#include "middleware/middleware.hpp"
#include "services/context.hpp"

namespace keel {

class App {
 public:
  explicit App(AppContext& ctx);
  // Resolves the route, then runs the middleware chain around the handler.
  // Not a coroutine: it returns the chain's awaitable, so a request pays for
  // no frame here.
  awaitable<Response> handle(Request& req);
  const Router& router() const { return router_; }

 private:
  AppContext& ctx_;
  Router router_;
  MiddlewareChain chain_;
};

}  // namespace keel
