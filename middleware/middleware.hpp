#pragma once
// Middleware: coroutines of the form Response(Request&, Next), composed
// outermost first. Each lives in its own file and knows nothing of routes
// beyond the metadata the router put on the request.
#include "app/http.hpp"

#include <functional>
#include <vector>

namespace keel {

using Next = std::function<awaitable<Response>(Request&)>;
using Middleware = std::function<awaitable<Response>(Request&, const Next&)>;

class MiddlewareChain {
 public:
  void use(Middleware m) { items_.push_back(std::move(m)); }
  void terminal(Next handler) { terminal_ = std::move(handler); }
  awaitable<Response> run(Request& req) const { return run_at(0, req); }

 private:
  awaitable<Response> run_at(std::size_t i, Request& req) const;
  std::vector<Middleware> items_;
  Next terminal_;
};

}  // namespace keel
