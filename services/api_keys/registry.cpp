#include "services/api_keys/registry.hpp"

#include "services/crypto/constant_time.hpp"
#include "services/crypto/sha256.hpp"

namespace keel::api_keys {

Registry::Registry(const std::vector<std::string>& env_keys, std::uint64_t default_rate)
    : default_rate_(default_rate) {
  std::int64_t id = 0;
  for (const auto& k : env_keys) {
    --id;
    if (k.empty()) continue;
    env_.emplace(sha256_hex(k),
                 Entry{KeyInfo{id, "KEEL_DATA_API_KEYS[" + std::to_string(-id - 1) + "]", default_rate}});
  }
  table_ = std::make_shared<const Table>(env_);
}

std::shared_ptr<const Registry::Table> Registry::snapshot() const {
  std::lock_guard lock(mu_);
  return table_;
}

std::optional<KeyInfo> Registry::lookup(std::string_view key) const {
  const std::string digest = sha256_hex(key);
  auto table = snapshot();
  auto it = table->find(digest);
  // The hash table compares digests, not keys; the final check is constant-time all the same.
  if (it == table->end() || !constant_time_equals(it->first, digest)) return std::nullopt;
  return it->second.info;
}

Registry::Entry Registry::entry_of(const StoredKey& k) const {
  return Entry{KeyInfo{k.id, k.name, k.rate_per_minute.value_or(default_rate_)}};
}

void Registry::apply(Table& table, const Change& c, const Registry& self) {
  if (c.added) {
    table.emplace(c.added->key_sha256, self.entry_of(*c.added));  // an env key of the same digest stays
    return;
  }
  std::erase_if(table, [&](const auto& e) { return e.second.info.id == c.revoked_id; });
}

std::uint64_t Registry::begin_refresh() const {
  std::lock_guard lock(mu_);
  return version_;
}

void Registry::replace(const std::vector<StoredKey>& active, std::uint64_t since) {
  auto table = std::make_shared<Table>(env_);
  for (const auto& k : active) table->emplace(k.key_sha256, entry_of(k));
  std::lock_guard lock(mu_);
  std::erase_if(changes_, [&](const Change& c) { return c.version <= since; });
  for (const auto& c : changes_) apply(*table, c, *this);
  table_ = std::move(table);
}

void Registry::add(const StoredKey& key) {
  std::lock_guard lock(mu_);
  changes_.push_back(Change{++version_, key, 0});
  auto table = std::make_shared<Table>(*table_);
  apply(*table, changes_.back(), *this);
  table_ = std::move(table);
}

void Registry::revoke(std::int64_t id) {
  if (id < 0) return;  // configuration, not revocable
  std::lock_guard lock(mu_);
  changes_.push_back(Change{++version_, std::nullopt, id});
  auto table = std::make_shared<Table>(*table_);
  apply(*table, changes_.back(), *this);
  table_ = std::move(table);
}

std::vector<std::int64_t> Registry::ids() const {
  auto table = snapshot();
  std::vector<std::int64_t> out;
  out.reserve(table->size());
  for (const auto& [digest, e] : *table) out.push_back(e.info.id);
  return out;
}

}  // namespace keel::api_keys
