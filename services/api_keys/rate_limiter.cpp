#include "services/api_keys/rate_limiter.hpp"

#include <unordered_set>

namespace keel::api_keys {

BucketDecision RateLimiter::take(std::int64_t id, std::uint64_t rate_per_minute, double now) {
  std::lock_guard lock(mu_);
  auto [it, inserted] = buckets_.try_emplace(id);
  if (inserted) it->second = full_bucket(rate_per_minute, now);
  return take_token(it->second, rate_per_minute, now);
}

BucketDecision RateLimiter::take(std::int64_t id, std::uint64_t rate_per_minute) {
  const auto since_epoch = std::chrono::steady_clock::now().time_since_epoch();
  return take(id, rate_per_minute, std::chrono::duration<double>(since_epoch).count());
}

void RateLimiter::forget(std::int64_t id) {
  std::lock_guard lock(mu_);
  buckets_.erase(id);
}

void RateLimiter::retain(const std::vector<std::int64_t>& ids) {
  const std::unordered_set<std::int64_t> keep(ids.begin(), ids.end());
  std::lock_guard lock(mu_);
  std::erase_if(buckets_, [&](const auto& entry) { return !keep.contains(entry.first); });
}

std::size_t RateLimiter::size() const {
  std::lock_guard lock(mu_);
  return buckets_.size();
}

}  // namespace keel::api_keys
