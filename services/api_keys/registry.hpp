#pragma once
// Which data API keys are valid, answered from memory: a snapshot mapping the
// SHA-256 hex of each active key to its id, name and rate. It holds the keys
// of KEEL_DATA_API_KEYS (negative ids: configuration, never listed or
// revoked) and the active rows of the api_keys table, replaced by a refresh
// every few seconds (app/api_key_refresh) and changed at once on this
// instance by a create or a revoke. Thread-safe; a lookup never touches the
// database.
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace keel::api_keys {

// A key as the table holds it (the secret itself is never stored).
struct StoredKey {
  std::int64_t id = 0;
  std::string name;
  std::string key_sha256;                        // 64 lowercase hex digits
  std::optional<std::uint64_t> rate_per_minute;  // none: the instance's default
};

// What a lookup finds.
struct KeyInfo {
  std::int64_t id = 0;  // < 0: a KEEL_DATA_API_KEYS key
  std::string name;
  std::uint64_t rate_per_minute = 0;  // the effective figure
};

class Registry {
 public:
  Registry(const std::vector<std::string>& env_keys, std::uint64_t default_rate);

  // The key's entry when it is active.
  std::optional<KeyInfo> lookup(std::string_view key) const;

  // A refresh: call begin_refresh() before reading the table, then
  // replace() with the active rows read. Creates and revokes made on this
  // instance after begin_refresh() are applied again on top, so a refresh
  // that read the table just before them does not undo them.
  std::uint64_t begin_refresh() const;
  void replace(const std::vector<StoredKey>& active, std::uint64_t since);

  void add(const StoredKey& key);  // a key just created here
  void revoke(std::int64_t id);    // a key just revoked here

  std::vector<std::int64_t> ids() const;  // of every active key (env keys too)
  std::uint64_t default_rate() const { return default_rate_; }

 private:
  struct Entry {
    KeyInfo info;
  };
  using Table = std::unordered_map<std::string, Entry>;  // SHA-256 hex -> entry
  struct Change {
    std::uint64_t version = 0;
    std::optional<StoredKey> added;  // else revoked_id
    std::int64_t revoked_id = 0;
  };

  Entry entry_of(const StoredKey& k) const;
  static void apply(Table& table, const Change& c, const Registry& self);
  std::shared_ptr<const Table> snapshot() const;

  std::uint64_t default_rate_;
  Table env_;  // KEEL_DATA_API_KEYS, part of every snapshot
  mutable std::mutex mu_;
  std::shared_ptr<const Table> table_;
  std::uint64_t version_ = 0;
  std::vector<Change> changes_;  // made here since the oldest refresh in flight
};

}  // namespace keel::api_keys
