// http/blocking.hpp's BackgroundJob: a job on the blocking pool that runs
// while the io coroutine does other work, waited for later.
#include "http/blocking.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

void drive(asio::io_context& io, std::function<asio::awaitable<void>()> test) {
  bool done = false;
  asio::co_spawn(io, test, [&](std::exception_ptr e) {
    done = true;
    if (e) std::rethrow_exception(e);
  });
  io.run_for(10s);
  EXPECT_TRUE(done);
}

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::use_awaitable);
}

}  // namespace

TEST(BackgroundJob, RunsWhileTheCoroutineWorksAndIsWaitedFor) {
  asio::io_context io;
  keel::BlockingPool pool(1);
  std::atomic<bool> finished{false};
  drive(io, [&]() -> asio::awaitable<void> {
    keel::BackgroundJob job;
    EXPECT_FALSE(job.running());
    EXPECT_EQ(co_await job.wait(), nullptr) << "no job: nothing to wait for";
    const auto t0 = std::chrono::steady_clock::now();
    auto work = [&] {
      std::this_thread::sleep_for(200ms);
      finished = true;
    };
    job.start(pool, co_await asio::this_coro::executor, std::move(work));
    EXPECT_TRUE(job.running());
    co_await sleep_for(200ms);  // the io thread's own work, at the same time
    EXPECT_EQ(co_await job.wait(), nullptr);
    EXPECT_TRUE(finished);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 390ms) << "the two waits overlapped";
    EXPECT_FALSE(job.running());
  });
}

TEST(BackgroundJob, HandsTheJobsExceptionToWait) {
  asio::io_context io;
  keel::BlockingPool pool(1);
  drive(io, [&]() -> asio::awaitable<void> {
    keel::BackgroundJob job;
    auto failing = [] { throw std::runtime_error("disk full"); };
    job.start(pool, co_await asio::this_coro::executor, std::move(failing));
    auto e = co_await job.wait();
    EXPECT_NE(e, nullptr);
    if (e) {
      try {
        std::rethrow_exception(e);
      } catch (const std::runtime_error& x) { EXPECT_STREQ(x.what(), "disk full"); }
    }
    // It can start another.
    auto ok = [] {};
    job.start(pool, co_await asio::this_coro::executor, std::move(ok));
    EXPECT_EQ(co_await job.wait(), nullptr);
  });
}

// A caller that leaves without waiting: the job runs to its end on what it
// owns, and the pool's join waits for it.
TEST(BackgroundJob, AJobLeftBehindFinishesOnWhatItOwns) {
  asio::io_context io;
  auto ran = std::make_shared<std::atomic<int>>(0);
  {
    keel::BlockingPool pool(1);
    drive(io, [&]() -> asio::awaitable<void> {
      keel::BackgroundJob job;
      auto work = [ran] {
        std::this_thread::sleep_for(50ms);
        ++*ran;
      };
      job.start(pool, co_await asio::this_coro::executor, std::move(work));
      co_return;  // no wait
    });
  }
  EXPECT_EQ(*ran, 1);
}
