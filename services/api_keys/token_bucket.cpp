#include "services/api_keys/token_bucket.hpp"

#include <algorithm>
#include <cmath>

namespace keel::api_keys {

namespace {
// Whole seconds for a wait, rounded up; the slack keeps floating-point noise
// (59.999999999 or 60.000000001 for 60) from costing a second.
std::uint64_t ceil_seconds(double s) {
  if (s <= 1e-6) return 0;
  return static_cast<std::uint64_t>(std::ceil(s - 1e-6));
}
}  // namespace

BucketState full_bucket(std::uint64_t rate_per_minute, double now) {
  return BucketState{static_cast<double>(rate_per_minute), now};
}

BucketDecision take_token(BucketState& state, std::uint64_t rate_per_minute, double now) {
  const double capacity = static_cast<double>(rate_per_minute);
  const double per_second = capacity / 60.0;
  if (now > state.last) state.tokens = std::min(capacity, state.tokens + (now - state.last) * per_second);
  state.last = std::max(state.last, now);
  // The rate may have been lowered since the bucket was filled.
  state.tokens = std::min(state.tokens, capacity);

  BucketDecision d;
  // 1e-9: refills computed in steps must not fall a hair short of a token.
  if (state.tokens >= 1.0 - 1e-9) {
    state.tokens = std::max(0.0, state.tokens - 1.0);
    d.allowed = true;
  }
  d.remaining = static_cast<std::uint64_t>(std::floor(state.tokens + 1e-9));
  d.reset_seconds = ceil_seconds((capacity - state.tokens) / per_second);
  d.retry_after = std::max<std::uint64_t>(1, ceil_seconds((1.0 - state.tokens) / per_second));
  return d;
}

}  // namespace keel::api_keys
