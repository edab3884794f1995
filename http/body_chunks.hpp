#pragma once
// Reading a request body in chunks whose processing overlaps the reading:
// chunk N is hashed, written or converted on the blocking pool while chunk
// N+1 is read from the socket, instead of the two taking turns (uploads,
// dataset PUTs).
//
//   DoubleBuffer chunks(chunk_bytes);
//   while (!body.done()) {
//     std::span<char> chunk = chunks.next();
//     std::size_t n = co_await read_full(body, chunk);
//     if (n == 0) break;
//     co_await chunks.hand_off(pool, [sink, data = chunk.first(n)] { sink->write(data); });
//   }
//   co_await chunks.settle();
//
// A job shares the buffer it was handed (hand_off keeps it alive), and must
// own or share whatever else it touches: a caller that leaves early (an
// exception) should co_await abandon() first, but even one that does not
// never frees memory under a running job.
#include "http/blocking.hpp"
#include "http/http.hpp"

#include <boost/asio/this_coro.hpp>

#include <cstddef>
#include <memory>
#include <span>
#include <utility>

namespace keel {

// Reads into `chunk` until it is full or the body ends; the bytes read.
inline awaitable<std::size_t> read_full(BodyReader& body, std::span<char> chunk) {
  std::size_t have = 0;
  while (have < chunk.size()) {
    std::size_t n = co_await body.read_some(chunk.subspan(have));
    if (n == 0) break;
    have += n;
  }
  co_return have;
}

// Two buffers of chunk_bytes each, never zero-filled (a zeroed 1 MiB buffer
// costs a fresh mmap and ~257 page faults even for a 4 KiB body); the second
// is allocated only when a second chunk is read.
class DoubleBuffer {
 public:
  explicit DoubleBuffer(std::size_t chunk_bytes) : size_(chunk_bytes) {}

  // The buffer to read into next: never the one a job is working on.
  std::span<char> next() {
    if (!buffers_[cur_]) buffers_[cur_] = std::shared_ptr<char[]>(new char[size_]);
    return {buffers_[cur_].get(), size_};
  }

  // Waits for the job handed off last (if any); rethrows its failure.
  awaitable<void> settle() {
    if (auto e = co_await job_.wait()) std::rethrow_exception(e);
  }

  // Waits for it when the caller is failing anyway: whatever the job holds
  // (a temp file) is released by the time the error is answered.
  awaitable<void> abandon() { co_await job_.wait(); }

  // settle(), then runs job() on the pool while the caller reads on: job
  // works on what next() returned, and next() is the other buffer from now.
  template <class F>
  awaitable<void> hand_off(BlockingPool& pool, F job) {
    co_await settle();
    auto keeping = [keep = buffers_[cur_], fn = std::move(job)]() mutable { fn(); };
    job_.start(pool, co_await boost::asio::this_coro::executor, std::move(keeping));
    cur_ ^= 1;
  }

 private:
  std::size_t size_;
  std::shared_ptr<char[]> buffers_[2];
  unsigned cur_ = 0;
  BackgroundJob job_;
};

}  // namespace keel
