#pragma once
// This process's copy of the market snapshot: the newest one it fetched or
// read from Redis, served (as stale) while Redis cannot give one. One
// snapshot at most (the document is at most 1 MiB of data plus its envelope).
#include "services/market/snapshot.hpp"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>

namespace keel::market {

class LastSeen {
 public:
  // Keeps `s` unless the held one was fetched later.
  void remember(std::shared_ptr<const Snapshot> s);
  // The held snapshot when it is at most max_age_s old, else nullptr.
  std::shared_ptr<const Snapshot> get(std::int64_t now_s, std::int64_t max_age_s) const;
  // The held snapshot when its document is `document` (no parse, no hash).
  std::shared_ptr<const Snapshot> same_as(std::string_view document) const;

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const Snapshot> held_;
};

}  // namespace keel::market
