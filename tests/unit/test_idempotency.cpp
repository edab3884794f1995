// Idempotency-Key retries, the pure part (services/idempotency/rules) and
// the sealing of stored answers (services/idempotency/seal).
#include "services/crypto/openssl_init.hpp"
#include "services/idempotency/rules.hpp"
#include "services/idempotency/seal.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

using namespace keel;
using namespace keel::idempotency;

namespace {
std::string aad_of(const Sha256Digest& d) { return std::string(reinterpret_cast<const char*>(d.data()), d.size()); }
}  // namespace

TEST(IdempotencyKey, OneTo255VisibleAscii) {
  struct Case {
    std::string key;
    bool valid;
  };
  const std::vector<Case> cases = {
      {"", false},
      {"a", true},
      {std::string(255, 'k'), true},
      {std::string(256, 'k'), false},
      {"550e8400-e29b-41d4-a716-446655440000", true},
      {"!~", true},  // 0x21 and 0x7E, the ends of the range
      {"has space", false},
      {"tab\there", false},
      {std::string("nul\0x", 5), false},
      {"del\x7f", false},
      {"ctl\x1f", false},
      {"caf\xc3\xa9", false},  // UTF-8 é
      {"\xff", false},
  };
  for (const auto& c : cases) EXPECT_EQ(valid_key(c.key), c.valid) << "key of " << c.key.size() << " bytes";
}

TEST(IdempotencyHashes, LookupIsPerScopeAndKeyAndUnambiguous) {
  std::set<Sha256Digest> seen = {
      lookup_hash("anonymous", "k1"), lookup_hash("anonymous", "k2"), lookup_hash(credential_scope("t"), "k1"),
      lookup_hash("ab", "c"),         lookup_hash("a", "bc"),
  };
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_EQ(lookup_hash("anonymous", "k1"), lookup_hash("anonymous", "k1"));
}

TEST(IdempotencyHashes, CredentialScopeHidesTheCredential) {
  const std::string scope = credential_scope("secret-token");
  EXPECT_EQ(scope.find("secret-token"), std::string::npos);
  EXPECT_NE(scope, credential_scope("other-token"));
  EXPECT_NE(scope, std::string(kAnonymousScope));
}

TEST(IdempotencyHashes, RequestHashCoversMethodPathScopeAndBody) {
  const auto base = request_hash("anonymous", "POST", "/api/bookings", R"({"a":1})");
  EXPECT_EQ(base, request_hash("anonymous", "POST", "/api/bookings", R"({"a":1})"));
  EXPECT_NE(base, request_hash("anonymous", "POST", "/api/bookings", R"({"a":2})"));
  EXPECT_NE(base, request_hash("anonymous", "PUT", "/api/bookings", R"({"a":1})"));
  EXPECT_NE(base, request_hash("anonymous", "POST", "/api/bookings/1/cancel", R"({"a":1})"));
  EXPECT_NE(base, request_hash(credential_scope("t"), "POST", "/api/bookings", R"({"a":1})"));
  EXPECT_NE(request_hash("s", "POST", "/a", "b"), request_hash("s", "POST", "/ab", ""));
}

TEST(IdempotencyStore, TwoAndFourHundredsButNot429NorFiveHundreds) {
  const std::vector<std::pair<int, bool>> cases = {
      {200, true},  {201, true},  {204, true},  {299, true},  {301, false}, {304, false}, {400, true},
      {401, true},  {404, true},  {409, true},  {413, true},  {422, true},  {429, false}, {499, true},
      {500, false}, {502, false}, {503, false}, {504, false}, {100, false},
  };
  for (auto [status, stored] : cases) EXPECT_EQ(should_store(status), stored) << status;
}

TEST(IdempotencyDecision, WhatToDoWithAFoundRow) {
  struct Case {
    Found row;
    Decision want;
  };
  const std::vector<Case> cases = {
      // {done, same_request, expired, stale}
      {{true, true, false, false}, Decision::replay},
      {{true, false, false, false}, Decision::mismatch},
      {{false, true, false, false}, Decision::in_progress},
      {{false, false, false, false}, Decision::mismatch},
      {{true, true, true, false}, Decision::take_over},   // expired: runs again
      {{true, false, true, false}, Decision::take_over},  // expired: the key is free for any request
      {{false, true, false, true}, Decision::take_over},  // its run died
      {{false, false, false, true}, Decision::take_over},
      {{true, true, false, true}, Decision::replay},  // an old answer, not expired, is still replayed
      {{true, false, false, true}, Decision::mismatch},
  };
  for (const auto& c : cases)
    EXPECT_EQ(decide(c.row), c.want) << "done=" << c.row.done << " same=" << c.row.same_request
                                     << " expired=" << c.row.expired << " stale=" << c.row.stale << " got "
                                     << to_string(decide(c.row));
}

class IdempotencySeal : public ::testing::Test {
 protected:
  // keel initialises OpenSSL this way at start; EVP must work after it.
  static void SetUpTestSuite() { ASSERT_TRUE(init_openssl_quietly()); }
};

TEST_F(IdempotencySeal, RoundTripAndNoClearText) {
  const auto key = derive_answer_key("key-1", "anonymous");
  const std::string aad = aad_of(lookup_hash("anonymous", "key-1"));
  const std::string plain = R"({"status":201,"body":"{\"manage_token\":\"tok-SECRET\"}"})";
  const std::string sealed = seal(key, aad, plain);
  EXPECT_EQ(sealed.size(), kNonceBytes + plain.size() + kTagBytes);
  EXPECT_EQ(sealed.find("tok-SECRET"), std::string::npos);
  EXPECT_EQ(open(key, aad, sealed), plain);
  EXPECT_NE(seal(key, aad, plain), sealed);  // a fresh nonce each time
  EXPECT_EQ(open(key, aad, seal(key, aad, "")), std::string());
}

TEST_F(IdempotencySeal, AnythingWrongFailsToOpen) {
  const auto key = derive_answer_key("key-1", "anonymous");
  const std::string aad = aad_of(lookup_hash("anonymous", "key-1"));
  const std::string sealed = seal(key, aad, "the answer");
  auto flipped = [&](std::size_t at) {
    std::string s = sealed;
    s[at] = static_cast<char>(s[at] ^ 1);
    return s;
  };
  EXPECT_FALSE(open(key, aad, flipped(0)));                           // nonce
  EXPECT_FALSE(open(key, aad, flipped(kNonceBytes)));                 // ciphertext
  EXPECT_FALSE(open(key, aad, flipped(sealed.size() - 1)));           // tag
  EXPECT_FALSE(open(key, aad, sealed.substr(0, sealed.size() - 1)));  // truncated
  EXPECT_FALSE(open(key, aad, sealed.substr(0, kNonceBytes + kTagBytes - 1)));
  EXPECT_FALSE(open(key, aad_of(lookup_hash("anonymous", "key-2")), sealed));          // another row
  EXPECT_FALSE(open(derive_answer_key("key-2", "anonymous"), aad, sealed));            // another key
  EXPECT_FALSE(open(derive_answer_key("key-1", credential_scope("t")), aad, sealed));  // another scope
}

TEST_F(IdempotencySeal, KeyDerivationIsHkdfSha256) {
  // HKDF-SHA256 (RFC 5869) of ikm "key-1", salt "anonymous", info "keel
  // idempotency answer v1", 32 bytes, as computed independently (HMAC by hand).
  const AnswerKey k = derive_answer_key("key-1", "anonymous");
  Sha256Digest as_digest;
  std::copy(k.begin(), k.end(), as_digest.begin());
  EXPECT_EQ(to_hex(as_digest), "9ff41aa10c846a0a9bd434dcfdcc42f917c38e0495bff6d5efce171cbff379ab");
  EXPECT_EQ(derive_answer_key("k", "s"), derive_answer_key("k", "s"));
  EXPECT_NE(derive_answer_key("k", "s"), derive_answer_key("k", "t"));
  EXPECT_NE(derive_answer_key("k", "s"), derive_answer_key("j", "s"));
}
