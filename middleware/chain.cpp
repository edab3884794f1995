#include "middleware/middleware.hpp"

#include <stdexcept>

namespace keel {

namespace {
// A guard's answer as an awaitable: a frame only on the path that answers.
awaitable<Response> answered(Response r) { co_return r; }
}  // namespace

void MiddlewareChain::use(Middleware m) {
  if (!m) return;
  items_.push_back(Item{std::move(m), {}});
  link();
}

void MiddlewareChain::use(Guard g) {
  if (!g) return;
  items_.push_back(Item{{}, std::move(g)});
  link();
}

void MiddlewareChain::terminal(Next handler) {
  terminal_ = std::move(handler);
  link();
}

void MiddlewareChain::link() {
  nexts_.clear();
  nexts_.reserve(items_.size());
  for (std::size_t i = 0; i < items_.size(); ++i)
    nexts_.emplace_back([this, i](Request& r) { return start_at(i + 1, r); });
}

awaitable<Response> MiddlewareChain::start_at(std::size_t i, Request& req) const {
  for (; i < items_.size(); ++i) {
    const Item& item = items_[i];
    if (item.wrap) return item.wrap(req, nexts_[i]);
    if (auto early = item.guard(req)) return answered(std::move(*early));
  }
  if (!terminal_) throw std::logic_error("middleware chain has no terminal handler");
  return terminal_(req);
}

}  // namespace keel
