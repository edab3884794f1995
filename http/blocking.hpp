#pragma once
// A bounded pool for work that blocks (MySQL calls, PDF rendering, fsync,
// hashing). io threads never block: they co_await run_blocking() instead.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <cstddef>
#include <exception>
#include <memory>
#include <type_traits>
#include <utility>

namespace keel {

class BlockingPool {
 public:
  explicit BlockingPool(std::size_t threads) : pool_(threads), threads_(threads) {}
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;
  ~BlockingPool() { pool_.join(); }

  boost::asio::thread_pool::executor_type executor() { return pool_.get_executor(); }
  std::size_t threads() const { return threads_; }
  void stop() { pool_.stop(); }
  void join() { pool_.join(); }

 private:
  boost::asio::thread_pool pool_;
  std::size_t threads_;
};

// g++ 12 rule for the whole project: never write a lambda with non-trivial
// captures (strings, smart pointers, vectors by value) directly inside a
// co_await expression; name it first and pass std::move(name). Nor put
// co_await inside a conditional expression (?:): use if/else.
//
// Runs f() on the blocking pool; the awaiting coroutine resumes on its own
// executor. Exceptions thrown by f propagate to the awaiter.
// Cancellation of the awaiter (a job's timeout) is not passed on: f cannot be
// interrupted, so the awaiter waits for it, then sees the cancellation at its
// next co_await (Boost 1.81 aborts the process when a cancellation reaches
// the task on the pool). Work that should stop early checks a flag.
// (co_spawn needs a default-constructible result: wrap others in std::optional.)
template <class F>
auto run_blocking(BlockingPool& pool, F f) -> boost::asio::awaitable<std::invoke_result_t<F&>> {
  using R = std::invoke_result_t<F&>;
  // Named before co_await: g++ 12 destroys a closure with non-trivial
  // captures twice when it is a temporary inside a co_await expression.
  auto task = [fn = std::move(f)]() mutable -> boost::asio::awaitable<R> {
    if constexpr (std::is_void_v<R>) {
      fn();
      co_return;
    } else {
      co_return fn();
    }
  };
  co_return co_await boost::asio::co_spawn(
      pool.executor(), std::move(task),
      boost::asio::bind_cancellation_slot(boost::asio::cancellation_slot(), boost::asio::use_awaitable));
}

// One job on the blocking pool that the caller starts now and waits for
// later, doing other work on its io thread meanwhile (an upload reads its
// next chunk from the socket while the last one is hashed and written).
//
//   BackgroundJob job;
//   job.start(pool, co_await this_coro::executor, std::move(write_chunk));
//   ... read the next chunk ...
//   if (auto e = co_await job.wait()) std::rethrow_exception(e);
//
// At most one job at a time: wait() before the next start(). f must own (or
// share) what it touches: a caller that leaves early (an exception, a
// cancellation) does not wait, and the job runs to its end regardless.
class BackgroundJob {
 public:
  template <class F>
  void start(BlockingPool& pool, boost::asio::any_io_executor io, F f) {
    state_ = std::make_shared<State>(io);
    auto task = [fn = std::move(f)]() mutable -> boost::asio::awaitable<void> {
      fn();
      co_return;
    };
    auto done = [s = state_](std::exception_ptr e) {
      s->done = true;
      s->error = e;
      s->timer.cancel();
    };
    boost::asio::co_spawn(pool.executor(), std::move(task), boost::asio::bind_executor(io, std::move(done)));
  }

  bool running() const { return state_ != nullptr; }

  // Resumes once the job has ended: its exception, or null (also when none
  // was started). Not cancellable, like run_blocking().
  boost::asio::awaitable<std::exception_ptr> wait() {
    if (!state_) co_return nullptr;
    std::shared_ptr<State> s = std::move(state_);
    while (!s->done)
      co_await s->timer.async_wait(boost::asio::bind_cancellation_slot(
          boost::asio::cancellation_slot(), boost::asio::as_tuple(boost::asio::use_awaitable)));
    co_return s->error;
  }

 private:
  struct State {
    explicit State(boost::asio::any_io_executor io)
        : timer(io, boost::asio::steady_timer::time_point::max()) {}
    boost::asio::steady_timer timer;  // cancelled by the job's end: wakes wait()
    bool done = false;                // written and read on the io executor only
    std::exception_ptr error;
  };
  std::shared_ptr<State> state_;
};

}  // namespace keel
