#pragma once
// Idempotency-Key retries (as Stripe does them), the pure part: which keys
// are valid, the hashes a row is found and compared by, which answers are
// kept, and what to do with a row found under a key. The database side is
// repository.hpp, the sealing of answers seal.hpp, the HTTP side
// routers/idempotency.hpp.
#include "services/crypto/sha256.hpp"

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace keel::idempotency {

// The credential scope of requests that carry no credential.
inline constexpr std::string_view kAnonymousScope = "anonymous";
// A row still 'running' this long after its run started is taken over: the
// process that ran it died or lost its client and database mid-way (a
// booking mutation takes milliseconds; 60 s is far past any live one).
inline constexpr std::chrono::seconds kTakeOverAfter{60};
// Answers are small JSON; a larger one is answered but not kept (a retry
// then runs again). Below a BLOB's 65,535 bytes with the seal's 28.
inline constexpr std::size_t kMaxStoredAnswerBytes = 60 * 1024;

// 1 to 255 visible ASCII characters (0x21-0x7E).
bool valid_key(std::string_view key);

// The scope of a credential (a manage token, an admin key): its SHA-256, so
// the credential itself is never stored nor used as key material.
std::string credential_scope(std::string_view credential);

// What a row is found by: SHA-256 of the scope and the key (length-prefixed,
// so no two pairs hash alike).
Sha256Digest lookup_hash(std::string_view scope, std::string_view key);

// What makes two requests "the same": method, path, credential scope and the
// SHA-256 of the body.
Sha256Digest request_hash(std::string_view scope, std::string_view method, std::string_view path,
                          std::string_view body);

// Answers kept for replay: 2xx and 4xx, except 429 (retry later means
// retry). 5xx are not kept: the row is removed and a retry runs again.
bool should_store(int status);

// A row found under a key, as the repository read it (times judged by the
// database's clock, the one all instances share).
struct Found {
  bool done = false;          // else running
  bool same_request = false;  // its request_hash is this request's
  bool expired = false;       // expires_at has passed
  bool stale = false;         // running, started more than kTakeOverAfter ago
};

enum class Decision {
  run,          // no row: this request runs (the repository inserted it)
  take_over,    // expired, or a dead run's row: run, replacing it
  replay,       // the stored answer of the same request
  mismatch,     // the key was used for another request: 422
  in_progress,  // the same key's first request is still running: 409
};

Decision decide(const Found& row);

std::string_view to_string(Decision d);

}  // namespace keel::idempotency
