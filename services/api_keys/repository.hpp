#pragma once
// The api_keys table (migrations/0003_api_keys.sql), prepared statements only.
#include "services/api_keys/registry.hpp"
#include "services/db/pool.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace keel::api_keys {

// A row as the admin listing shows it (no secret, no digest).
struct KeyRow {
  std::int64_t id = 0;
  std::string name;
  std::string prefix;
  std::optional<std::uint64_t> rate_per_minute;  // none: the instance's default
  std::string created_at;                        // RFC 3339 UTC, milliseconds
  std::optional<std::string> revoked_at;
};

struct NewKey {
  std::string name;
  std::string key_sha256;
  std::string prefix;
  std::optional<std::uint64_t> rate_per_minute;
};

enum class RevokeResult { revoked, already_revoked, not_found };

class Repository {
 public:
  explicit Repository(db::Pool& pool) : pool_(pool) {}
  boost::asio::awaitable<KeyRow> create(NewKey k);  // the row as stored (id, created_at)
  boost::asio::awaitable<std::vector<KeyRow>> list();  // by id
  boost::asio::awaitable<RevokeResult> revoke(std::int64_t id);  // sets revoked_at once; the row stays
  boost::asio::awaitable<std::vector<StoredKey>> active();  // for the registry's refresh

 private:
  db::Pool& pool_;
};

}  // namespace keel::api_keys
