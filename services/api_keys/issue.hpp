#pragma once
// Creating and revoking a data API key: the table's row and this instance's
// registry (and rate limiter) change together; other instances see the
// change at their next refresh (app/api_key_refresh).
#include "services/api_keys/rate_limiter.hpp"
#include "services/api_keys/registry.hpp"
#include "services/api_keys/repository.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace keel::api_keys {

struct IssuedKey {
  KeyRow row;
  std::string key;  // the key itself: shown once, stored only as its SHA-256
};

boost::asio::awaitable<IssuedKey> issue_key(Repository& rows, Registry& registry, std::string name,
                                            std::optional<std::uint64_t> rate_per_minute);

boost::asio::awaitable<RevokeResult> revoke_key(Repository& rows, Registry& registry, RateLimiter& limits,
                                                std::int64_t id);

}  // namespace keel::api_keys
