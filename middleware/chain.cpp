#include "middleware/middleware.hpp"

namespace keel {

awaitable<Response> MiddlewareChain::run_at(std::size_t i, Request& req) const {
  if (i == items_.size()) co_return co_await terminal_(req);
  Next next = [this, i](Request& r) { return run_at(i + 1, r); };
  co_return co_await items_[i](req, next);
}

}  // namespace keel
