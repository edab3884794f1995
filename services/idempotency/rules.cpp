#include "services/idempotency/rules.hpp"

#include <cstdint>

namespace keel::idempotency {

namespace {

// A field as its length (8 bytes, little-endian) then its bytes.
void add_field(Sha256& h, std::string_view field) {
  std::uint64_t n = field.size();
  unsigned char len[8];
  for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>(n >> (8 * i));
  h.update(len, sizeof len);
  h.update(field);
}

}  // namespace

bool valid_key(std::string_view key) {
  if (key.empty() || key.size() > 255) return false;
  for (unsigned char c : key)
    if (c < 0x21 || c > 0x7E) return false;
  return true;
}

std::string credential_scope(std::string_view credential) { return "credential:" + sha256_hex(credential); }

Sha256Digest lookup_hash(std::string_view scope, std::string_view key) {
  Sha256 h;
  add_field(h, "keel idempotency lookup v1");
  add_field(h, scope);
  add_field(h, key);
  return h.finish();
}

Sha256Digest request_hash(std::string_view scope, std::string_view method, std::string_view path,
                          std::string_view body) {
  Sha256 h;
  add_field(h, "keel idempotency request v1");
  add_field(h, scope);
  add_field(h, method);
  add_field(h, path);
  const Sha256Digest body_hash = sha256_bytes(body);
  h.update(body_hash.data(), body_hash.size());
  return h.finish();
}

bool should_store(int status) {
  if (status >= 200 && status <= 299) return true;
  return status >= 400 && status <= 499 && status != 429;
}

Decision decide(const Found& row) {
  // An expired row is as good as none; so is a run nobody finishes.
  if (row.expired || (!row.done && row.stale)) return Decision::take_over;
  if (!row.same_request) return Decision::mismatch;
  return row.done ? Decision::replay : Decision::in_progress;
}

std::string_view to_string(Decision d) {
  switch (d) {
    case Decision::run:
      return "run";
    case Decision::take_over:
      return "take_over";
    case Decision::replay:
      return "replay";
    case Decision::mismatch:
      return "mismatch";
    case Decision::in_progress:
      return "in_progress";
  }
  return "?";
}

}  // namespace keel::idempotency
