#pragma once
// Middleware, composed outermost first. Each lives in its own file and knows
// nothing of routes beyond the metadata the router put on the request.
//
// Two kinds:
// - Middleware: a coroutine Response(Request&, Next) that wraps the rest of
//   the chain (it can catch, time, or change the response).
// - Guard: a check that only looks at the request and may answer it at once
//   (std::optional<Response>); when it returns nothing the chain goes on.
//   A guard runs inline, without a coroutine frame of its own: a request
//   pays for a coroutine only where something has to wrap the rest.
#include "http/http.hpp"

#include <functional>
#include <optional>
#include <vector>

namespace keel {

using Next = std::function<awaitable<Response>(Request&)>;
using Middleware = std::function<awaitable<Response>(Request&, const Next&)>;
using Guard = std::function<std::optional<Response>(Request&)>;

// The Next handed to each middleware is built once, when the chain is
// assembled, and calling it starts what follows directly (guards inline,
// then the next middleware or the terminal handler). The chain refers to
// itself, so it is neither copied nor moved.
class MiddlewareChain {
 public:
  MiddlewareChain() = default;
  MiddlewareChain(const MiddlewareChain&) = delete;
  MiddlewareChain& operator=(const MiddlewareChain&) = delete;

  // An empty Middleware or Guard (nothing to do in this configuration) is
  // left out.
  void use(Middleware m);
  void use(Guard g);
  void terminal(Next handler);
  // Not a coroutine: returns the first middleware's (or the terminal's)
  // awaitable. Guards that run before it may answer, or throw, right here.
  awaitable<Response> run(Request& req) const { return start_at(0, req); }
  std::size_t size() const { return items_.size(); }

 private:
  struct Item {
    Middleware wrap;  // exactly one of the two is set
    Guard guard;
  };
  awaitable<Response> start_at(std::size_t i, Request& req) const;
  void link();
  std::vector<Item> items_;
  Next terminal_;
  std::vector<Next> nexts_;  // nexts_[i]: what items_[i] calls to go on
};

}  // namespace keel
