#pragma once
// Waiting for a ConcurrencyLimit slot, for coroutines: first come, first
// served, with a deadline, and no thread blocked while waiting (a waiter is a
// suspended coroutine woken through a thread-safe channel, its deadline an
// asio timer). Used for PDF renderings: KEEL_PDF_CONCURRENCY at once, the
// rest wait up to KEEL_PDF_WAIT_S, then 503.
//
//   AsyncSemaphore sem(ctx.pdf_slots);
//   std::optional<AsyncSemaphore::Permit> p = co_await sem.acquire(30s);
//   if (!p) ... // timed out
//
// The limit's in_use() stays exact, so /api/health/memory reports it: a
// permit holds one of the limit's slots, and releasing a permit while others
// wait hands that very slot to the oldest waiter (in_use never dips between
// holders). Every slot of the limit must be taken through this object:
// a slot taken with limit.try_acquire() directly would not wake waiters when
// it is released.
//
// Thread-safe: acquire() may run on any executor, permits may be released on
// any thread. Permits and waiters keep the shared state alive, so the
// AsyncSemaphore object may go away first; the ConcurrencyLimit must outlive
// every permit.
#include "services/limits/concurrency_limit.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>

namespace keel {

class AsyncSemaphore {
  struct State;

 public:
  explicit AsyncSemaphore(ConcurrencyLimit& limit);
  AsyncSemaphore(const AsyncSemaphore&) = delete;
  AsyncSemaphore& operator=(const AsyncSemaphore&) = delete;

  // One slot of the limit; given back (or handed to the oldest waiter) when
  // destroyed, however the holder ends.
  class Permit {
   public:
    Permit() = default;
    Permit(Permit&&) noexcept = default;
    Permit& operator=(Permit&& other) noexcept;
    Permit(const Permit&) = delete;
    Permit& operator=(const Permit&) = delete;
    ~Permit() { release(); }
    explicit operator bool() const { return static_cast<bool>(slot_); }
    void release() noexcept;

   private:
    friend class AsyncSemaphore;
    Permit(std::shared_ptr<State> state, ConcurrencyLimit::Slot slot)
        : state_(std::move(state)), slot_(std::move(slot)) {}
    std::shared_ptr<State> state_;
    ConcurrencyLimit::Slot slot_;
  };

  // A permit at once when a slot is free and nobody is queued; otherwise a
  // place at the end of the queue until a permit is handed over (Permit) or
  // `timeout` passes (nullopt). timeout <= 0: never waits. If the awaiting
  // coroutine is destroyed while queued, it leaves the queue and a slot
  // already handed to it goes on to the next waiter.
  boost::asio::awaitable<std::optional<Permit>> acquire(std::chrono::steady_clock::duration timeout);

  std::size_t waiting() const;  // coroutines queued now
  std::size_t in_use() const;   // = the limit's in_use()
  std::size_t max() const;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace keel
