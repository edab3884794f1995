#pragma once
// The per-key rate limit of this instance: one token bucket per key id,
// behind a mutex. Bounded: entries exist only for keys the registry knows
// (retain() drops the others at each refresh, forget() at a revoke).
#include "services/api_keys/token_bucket.hpp"

#include <chrono>
#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace keel::api_keys {

class RateLimiter {
 public:
  // Spends a token of key `id` (capacity rate_per_minute; a key seen for the
  // first time starts with a full bucket). now: seconds on a monotonic clock.
  BucketDecision take(std::int64_t id, std::uint64_t rate_per_minute, double now);
  BucketDecision take(std::int64_t id, std::uint64_t rate_per_minute);  // now = steady_clock

  void forget(std::int64_t id);
  // Keeps the buckets of `ids` only.
  void retain(const std::vector<std::int64_t>& ids);
  std::size_t size() const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::int64_t, BucketState> buckets_;
};

}  // namespace keel::api_keys
