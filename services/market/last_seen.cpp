#include "services/market/last_seen.hpp"

#include <utility>

namespace keel::market {

void LastSeen::remember(std::shared_ptr<const Snapshot> s) {
  if (!s) return;
  std::shared_ptr<const Snapshot> old;  // released outside the lock
  std::lock_guard lock(mu_);
  if (held_ && held_->fetched_at_s > s->fetched_at_s) return;
  old = std::exchange(held_, std::move(s));
}

std::shared_ptr<const Snapshot> LastSeen::get(std::int64_t now_s, std::int64_t max_age_s) const {
  std::lock_guard lock(mu_);
  if (!held_ || age_seconds(now_s, held_->fetched_at_s) > max_age_s) return nullptr;
  return held_;
}

std::shared_ptr<const Snapshot> LastSeen::same_as(std::string_view document) const {
  std::lock_guard lock(mu_);
  if (held_ && held_->document == document) return held_;
  return nullptr;
}

}  // namespace keel::market
