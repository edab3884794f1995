#include "services/api_keys/issue.hpp"

#include "services/api_keys/new_key.hpp"
#include "services/crypto/sha256.hpp"

namespace keel::api_keys {

boost::asio::awaitable<IssuedKey> issue_key(Repository& rows, Registry& registry, std::string name,
                                            std::optional<std::uint64_t> rate_per_minute) {
  IssuedKey issued{.row = {}, .key = new_key()};
  NewKey k{.name = std::move(name),
           .key_sha256 = sha256_hex(issued.key),
           .prefix = key_prefix(issued.key),
           .rate_per_minute = rate_per_minute};
  StoredKey stored{.name = k.name, .key_sha256 = k.key_sha256, .rate_per_minute = k.rate_per_minute};
  issued.row = co_await rows.create(std::move(k));
  stored.id = issued.row.id;
  registry.add(stored);
  co_return issued;
}

boost::asio::awaitable<RevokeResult> revoke_key(Repository& rows, Registry& registry, RateLimiter& limits,
                                                std::int64_t id) {
  const RevokeResult r = co_await rows.revoke(id);
  if (r != RevokeResult::not_found) {
    registry.revoke(id);
    limits.forget(id);
  }
  co_return r;
}

}  // namespace keel::api_keys
