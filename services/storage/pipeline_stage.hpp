#pragma once
// One stage of a pipeline: a worker thread that consumes items in order from
// a bounded queue, so the producer's next step overlaps with this one (a CSV
// sync reads and hashes while another thread converts and a third writes).
//
// Items are buffers: take() hands out a cleared one from the spares the
// worker returned (their capacity kept), push() queues it and blocks while
// `depth` items wait. Memory is bounded by (depth + 2) items: the queue, the
// one being consumed and the one the producer fills.
//
// The first exception thrown by `consume` stops the stage: what is queued is
// dropped, and push() and finish() rethrow it in the producer's thread.
// The destructor stops the worker and drops what is queued (the item being
// consumed finishes first).
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace keel::storage {

template <class Item>  // Item: movable, default-constructible, with clear()
class PipelineStage {
 public:
  using Consume = std::function<void(Item&)>;

  PipelineStage(std::size_t depth, Consume consume)
      : depth_(depth == 0 ? 1 : depth), consume_(std::move(consume)), worker_([this] { run(); }) {}

  ~PipelineStage() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
      queue_.clear();
    }
    ready_.notify_all();
    worker_.join();
  }

  PipelineStage(const PipelineStage&) = delete;
  PipelineStage& operator=(const PipelineStage&) = delete;

  // A cleared item to fill, reusing a consumed one's capacity when there is one.
  Item take() {
    std::lock_guard lock(mutex_);
    if (spares_.empty()) return Item{};
    Item item = std::move(spares_.back());
    spares_.pop_back();
    return item;
  }

  // Queues `item`; blocks while `depth` items wait. Rethrows the worker's failure.
  void push(Item item) {
    std::unique_lock lock(mutex_);
    room_.wait(lock, [&] { return queue_.size() < depth_ || error_; });
    if (error_) std::rethrow_exception(error_);
    queue_.push_back(std::move(item));
    ready_.notify_one();
  }

  // Waits until every queued item is consumed. Rethrows the worker's failure.
  void finish() {
    std::unique_lock lock(mutex_);
    idle_.wait(lock, [&] { return (queue_.empty() && !busy_) || error_; });
    if (error_) std::rethrow_exception(error_);
  }

 private:
  void run() {
    std::unique_lock lock(mutex_);
    for (;;) {
      ready_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      Item item = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
      room_.notify_one();
      lock.unlock();
      std::exception_ptr failure;
      try {
        consume_(item);
        item.clear();
      } catch (...) { failure = std::current_exception(); }
      lock.lock();
      busy_ = false;
      if (failure) {
        error_ = failure;
        queue_.clear();
        room_.notify_all();
      } else if (spares_.size() < depth_ + 1) {
        spares_.push_back(std::move(item));
      }
      if (queue_.empty()) idle_.notify_all();
    }
  }

  const std::size_t depth_;
  Consume consume_;
  std::mutex mutex_;
  std::condition_variable ready_, room_, idle_;
  std::deque<Item> queue_;
  std::vector<Item> spares_;
  std::exception_ptr error_;
  bool busy_ = false;
  bool stop_ = false;
  std::thread worker_;  // last: started once every member above exists
};

}  // namespace keel::storage
