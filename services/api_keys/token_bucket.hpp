#pragma once
// A token bucket, as a pure function of its state and the time (the per-key
// rate limit of the data feed; services/api_keys/rate_limiter keeps one per key).
// Capacity = rate_per_minute tokens, refilled continuously at rate/60 per
// second; a new bucket starts full.
#include <cstdint>

namespace keel::api_keys {

struct BucketState {
  double tokens = 0;
  double last = 0;  // seconds on a monotonic clock, when tokens was computed
};

struct BucketDecision {
  bool allowed = false;
  std::uint64_t remaining = 0;      // whole tokens left after this request
  std::uint64_t reset_seconds = 0;  // until the bucket is full again (rounded up)
  std::uint64_t retry_after = 1;    // whole seconds until one token is there (at least 1)
};

// A full bucket at `now`.
BucketState full_bucket(std::uint64_t rate_per_minute, double now);

// Refills the bucket up to `now`, then spends one token if there is one.
// A clock that went backwards refills nothing. rate_per_minute must be > 0.
BucketDecision take_token(BucketState& state, std::uint64_t rate_per_minute, double now);

}  // namespace keel::api_keys
