#pragma once
// One io_context per io thread (KEEL_THREADS of them). A connection lives on
// one context for its whole life, so its coroutine, socket and deadline are
// only ever touched by one thread: no strands, no locks on the hot path.
// Other threads (the blocking pool, the DB pool) reach a connection by
// posting to its context.
#include <boost/asio/io_context.hpp>

#include <atomic>
#include <cstddef>
#include <memory>
#include <thread>
#include <vector>

namespace keel {

class IoPool {
 public:
  explicit IoPool(std::size_t threads) {
    if (threads == 0) threads = 1;
    for (std::size_t i = 0; i < threads; ++i) contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
  }
  IoPool(const IoPool&) = delete;
  IoPool& operator=(const IoPool&) = delete;

  std::size_t size() const { return contexts_.size(); }
  boost::asio::io_context& at(std::size_t i) { return *contexts_[i]; }
  // The context that runs on the calling (main) thread: signals, timers of
  // the whole process, the acceptor.
  boost::asio::io_context& main() { return *contexts_[0]; }
  // Round-robin choice for a new connection.
  boost::asio::io_context& next() {
    return *contexts_[next_.fetch_add(1, std::memory_order_relaxed) % contexts_.size()];
  }

  // Runs every context, one thread each (the caller runs the first), until
  // all are stopped. Each context is kept alive by a work guard until stop().
  void run() {
    std::vector<std::thread> threads;
    guards_.clear();
    for (auto& c : contexts_) guards_.emplace_back(boost::asio::make_work_guard(*c));
    for (std::size_t i = 1; i < contexts_.size(); ++i) threads.emplace_back([this, i] { contexts_[i]->run(); });
    contexts_[0]->run();
    for (auto& t : threads) t.join();
  }
  void stop() {
    for (auto& c : contexts_) c->stop();
  }

 private:
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guards_;
  std::atomic<std::size_t> next_{0};
};

}  // namespace keel
