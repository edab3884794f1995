// AsyncSemaphore: the FIFO, deadline-bounded wait for a PDF rendering slot
// (services/limits/async_semaphore.hpp). Coroutines on real io_contexts;
// no thread blocks while waiting.
#include "services/limits/async_semaphore.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using keel::AsyncSemaphore;
using keel::ConcurrencyLimit;
namespace asio = boost::asio;

namespace {

asio::awaitable<void> sleep_for(std::chrono::steady_clock::duration d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::use_awaitable);
}

}  // namespace

TEST(PdfAsyncSemaphore, FreeSlotsAreImmediateAndCounted) {
  ConcurrencyLimit limit(2);
  AsyncSemaphore sem(limit);
  asio::io_context io;
  std::vector<AsyncSemaphore::Permit> held;
  bool third_refused = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        for (int i = 0; i < 2; ++i) {
          auto p = co_await sem.acquire(0s);
          EXPECT_TRUE(p.has_value());
          held.push_back(std::move(*p));
        }
        auto third = co_await sem.acquire(0s);  // zero timeout: no waiting at all
        third_refused = !third.has_value();
      },
      asio::detached);
  io.run();
  EXPECT_TRUE(third_refused);
  EXPECT_EQ(limit.in_use(), 2u);
  EXPECT_EQ(sem.in_use(), 2u);
  EXPECT_EQ(sem.max(), 2u);
  EXPECT_EQ(sem.waiting(), 0u);
  held.clear();
  EXPECT_EQ(limit.in_use(), 0u);
}

TEST(PdfAsyncSemaphore, WaitersAreServedFirstComeFirstServed) {
  ConcurrencyLimit limit(1);
  AsyncSemaphore sem(limit);
  asio::io_context io;
  std::vector<int> order;
  std::vector<std::size_t> in_use_seen;
  // Holder takes the slot, waiters 1..4 queue in that order; each keeps the
  // slot for 5 ms.
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto p = co_await sem.acquire(1s);
        EXPECT_TRUE(p);
        co_await sleep_for(30ms);
      },
      asio::detached);
  for (int i = 1; i <= 4; ++i) {
    asio::co_spawn(
        io,
        [&, i]() -> asio::awaitable<void> {
          co_await sleep_for(std::chrono::milliseconds(2 * i));  // queue in order 1..4
          auto p = co_await sem.acquire(5s);
          EXPECT_TRUE(p) << i;
          order.push_back(i);
          in_use_seen.push_back(limit.in_use());
          co_await sleep_for(5ms);
        },
        asio::detached);
  }
  io.run();
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3, 4}));
  for (std::size_t n : in_use_seen) EXPECT_EQ(n, 1u);  // handed over, never released in between
  EXPECT_EQ(limit.in_use(), 0u);
  EXPECT_EQ(sem.waiting(), 0u);
}

TEST(PdfAsyncSemaphore, TimesOutWithoutASlotAndLeavesTheQueue) {
  ConcurrencyLimit limit(1);
  AsyncSemaphore sem(limit);
  asio::io_context io;
  std::optional<AsyncSemaphore::Permit> holder;
  bool timed_out = false;
  std::chrono::steady_clock::duration waited{};
  std::size_t waiting_meanwhile = 0;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        holder = co_await sem.acquire(1s);
        EXPECT_TRUE(holder);
        const auto t0 = std::chrono::steady_clock::now();
        auto p = co_await sem.acquire(80ms);
        waited = std::chrono::steady_clock::now() - t0;
        timed_out = !p;
      },
      asio::detached);
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        co_await sleep_for(20ms);
        waiting_meanwhile = sem.waiting();
      },
      asio::detached);
  io.run();
  EXPECT_TRUE(timed_out);
  EXPECT_GE(waited, 80ms);
  EXPECT_LT(waited, 2s);
  EXPECT_EQ(waiting_meanwhile, 1u);
  EXPECT_EQ(sem.waiting(), 0u);
  EXPECT_EQ(limit.in_use(), 1u);  // the holder's
  holder.reset();
  EXPECT_EQ(limit.in_use(), 0u);
}

TEST(PdfAsyncSemaphore, ReleaseBeforeTheDeadlineWakesTheWaiterAtOnce) {
  ConcurrencyLimit limit(1);
  AsyncSemaphore sem(limit);
  asio::io_context io;
  std::chrono::steady_clock::duration waited{};
  bool got = false;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        auto p = co_await sem.acquire(1s);
        co_await sleep_for(40ms);
        p->release();                   // explicit release (also what the destructor does)
        EXPECT_EQ(limit.in_use(), 1u);  // already the waiter's
        co_await sleep_for(10ms);
      },
      asio::detached);
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        co_await sleep_for(5ms);
        const auto t0 = std::chrono::steady_clock::now();
        auto p = co_await sem.acquire(30s);
        waited = std::chrono::steady_clock::now() - t0;
        got = p.has_value();
      },
      asio::detached);
  io.run();  // returns long before 30 s: the waiter's timer was cancelled
  EXPECT_TRUE(got);
  EXPECT_GE(waited, 30ms);
  EXPECT_LT(waited, 1s);
  EXPECT_EQ(limit.in_use(), 0u);
}

TEST(PdfAsyncSemaphore, ADestroyedWaiterPassesItsTurnOn) {
  ConcurrencyLimit limit(1);
  AsyncSemaphore sem(limit);
  bool second_got = false;
  {
    asio::io_context io;
    std::optional<AsyncSemaphore::Permit> holder;
    asio::co_spawn(
        io, [&]() -> asio::awaitable<void> { holder = co_await sem.acquire(1s); }, asio::detached);
    io.run();
    io.restart();
    ASSERT_TRUE(holder && *holder);
    // A waiter whose coroutine is destroyed while queued (its io_context goes
    // away without running it again).
    {
      asio::io_context doomed;
      asio::co_spawn(
          doomed, [&]() -> asio::awaitable<void> { auto p = co_await sem.acquire(10s); }, asio::detached);
      doomed.run_for(20ms);
      EXPECT_EQ(sem.waiting(), 1u);
    }
    EXPECT_EQ(sem.waiting(), 0u);
    // The next waiter gets the slot when the holder lets go.
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          auto p = co_await sem.acquire(2s);
          second_got = p.has_value();
        },
        asio::detached);
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          co_await sleep_for(10ms);
          holder.reset();
        },
        asio::detached);
    io.run();
  }
  EXPECT_TRUE(second_got);
  EXPECT_EQ(limit.in_use(), 0u);
}

TEST(PdfAsyncSemaphore, ManyThreadsNeverExceedTheLimit) {
  ConcurrencyLimit limit(2);
  AsyncSemaphore sem(limit);
  asio::io_context io;
  std::atomic<int> active{0}, peak{0}, done{0}, failed{0};
  std::atomic<std::size_t> max_in_use{0};
  constexpr int kTasks = 300;
  for (int i = 0; i < kTasks; ++i) {
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          auto p = co_await sem.acquire(20s);
          if (!p) {
            failed++;
            done++;
            co_return;
          }
          const int now = ++active;
          int prev = peak.load();
          while (now > prev && !peak.compare_exchange_weak(prev, now)) {}
          std::size_t u = limit.in_use(), m = max_in_use.load();
          while (u > m && !max_in_use.compare_exchange_weak(m, u)) {}
          co_await sleep_for(std::chrono::microseconds(200));
          --active;
          p.reset();
          done++;
        },
        asio::detached);
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back([&io] { io.run(); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(done.load(), kTasks);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_LE(peak.load(), 2);
  EXPECT_EQ(peak.load(), 2);  // and the slots were used
  EXPECT_LE(max_in_use.load(), 2u);
  EXPECT_EQ(limit.in_use(), 0u);
  EXPECT_EQ(sem.waiting(), 0u);
}
