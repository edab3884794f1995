#include "services/limits/async_semaphore.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <deque>
#include <mutex>

namespace keel {

namespace asio = boost::asio;

namespace {

// A queued acquire(). Woken through the channel by whoever hands it a slot
// (any thread) or by its own deadline timer; what it got is decided under the
// state's mutex (w->slot), not by who woke it first.
struct Waiter {
  explicit Waiter(const asio::any_io_executor& ex) : wake(ex, 1) {}
  asio::experimental::concurrent_channel<void(boost::system::error_code)> wake;
  std::optional<ConcurrencyLimit::Slot> slot;  // set under State::mu
};

}  // namespace

struct AsyncSemaphore::State {
  explicit State(ConcurrencyLimit& l) : limit(l) {}
  ConcurrencyLimit& limit;
  mutable std::mutex mu;
  std::deque<std::shared_ptr<Waiter>> queue;  // oldest first

  // Hands the slot to the oldest waiter, or gives it back to the limit.
  void release(ConcurrencyLimit::Slot slot) noexcept {
    std::shared_ptr<Waiter> next;
    {
      std::lock_guard lock(mu);
      if (!queue.empty()) {
        next = std::move(queue.front());
        queue.pop_front();
        next->slot.emplace(std::move(slot));
      }
    }
    // (without a waiter, `slot` is destroyed here: in_use goes down)
    if (next) next->wake.try_send(boost::system::error_code());
  }

  // The waiter's coroutine is gone: leave the queue, pass on a slot it got.
  void abandon(const std::shared_ptr<Waiter>& w) noexcept {
    std::optional<ConcurrencyLimit::Slot> got;
    {
      std::lock_guard lock(mu);
      if (auto it = std::find(queue.begin(), queue.end(), w); it != queue.end()) queue.erase(it);
      got = std::move(w->slot);
      w->slot.reset();
    }
    if (got && *got) release(std::move(*got));
  }
};

AsyncSemaphore::AsyncSemaphore(ConcurrencyLimit& limit) : state_(std::make_shared<State>(limit)) {}

AsyncSemaphore::Permit& AsyncSemaphore::Permit::operator=(Permit&& other) noexcept {
  if (this != &other) {
    release();
    state_ = std::move(other.state_);
    slot_ = std::move(other.slot_);
  }
  return *this;
}

void AsyncSemaphore::Permit::release() noexcept {
  if (state_ && slot_) state_->release(std::move(slot_));
  state_.reset();
}

asio::awaitable<std::optional<AsyncSemaphore::Permit>> AsyncSemaphore::acquire(
    std::chrono::steady_clock::duration timeout) {
  const auto ex = co_await asio::this_coro::executor;
  std::shared_ptr<State> st = state_;
  std::optional<ConcurrencyLimit::Slot> now;
  std::shared_ptr<Waiter> w;
  {
    std::lock_guard lock(st->mu);
    // Nobody jumps the queue: a free slot goes to a newcomer only when no
    // one is waiting (releases hand slots to waiters directly).
    if (st->queue.empty()) now = st->limit.try_acquire();
    if (!now && timeout > std::chrono::steady_clock::duration::zero()) {
      w = std::make_shared<Waiter>(ex);
      st->queue.push_back(w);
    }
  }
  if (now) co_return Permit(st, std::move(*now));
  if (!w) co_return std::nullopt;

  // If this frame is destroyed while queued (cancellation, shutdown), the
  // waiter leaves the queue and a slot it already got goes on.
  struct Abandon {
    std::shared_ptr<State> st;
    std::shared_ptr<Waiter> w;
    bool active = true;
    ~Abandon() {
      if (active) st->abandon(w);
    }
  } guard{st, w};

  asio::steady_timer timer(ex, timeout);
  timer.async_wait([w](boost::system::error_code ec) {
    if (!ec) w->wake.try_send(asio::error::timed_out);
  });
  co_await w->wake.async_receive(asio::as_tuple(asio::use_awaitable));
  timer.cancel();

  std::optional<ConcurrencyLimit::Slot> got;
  {
    std::lock_guard lock(st->mu);
    guard.active = false;
    if (w->slot) {
      got = std::move(w->slot);
      w->slot.reset();
    } else if (auto it = std::find(st->queue.begin(), st->queue.end(), w); it != st->queue.end()) {
      st->queue.erase(it);  // timed out, nothing handed over
    }
  }
  if (got) co_return Permit(st, std::move(*got));
  co_return std::nullopt;
}

std::size_t AsyncSemaphore::waiting() const {
  std::lock_guard lock(state_->mu);
  return state_->queue.size();
}

std::size_t AsyncSemaphore::in_use() const { return state_->limit.in_use(); }
std::size_t AsyncSemaphore::max() const { return state_->limit.max(); }

}  // namespace keel
