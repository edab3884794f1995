// The data feed's API keys: the token bucket (a pure function, table-tested),
// the per-key buckets and the in-memory registry (no database here:
// tests/e2e/test_api_keys.cpp has the rest).
#include "services/api_keys/new_key.hpp"
#include "services/api_keys/rate_limiter.hpp"
#include "services/api_keys/registry.hpp"
#include "services/api_keys/token_bucket.hpp"
#include "services/crypto/sha256.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

using namespace keel;
using namespace keel::api_keys;

// --- token bucket -------------------------------------------------------------

namespace {
struct Step {
  double at;  // seconds
  bool allowed;
  std::uint64_t remaining, reset, retry_after;
};
struct BucketCase {
  const char* name;
  std::uint64_t rate;
  std::vector<Step> steps;  // one take_token each, from a full bucket at t = 0
};
}  // namespace

TEST(TokenBucket, Table) {
  const std::vector<BucketCase> cases = {
      // Full bucket: the first request leaves capacity - 1; full again 60/rate s later.
      {"full bucket", 60, {{0, true, 59, 1, 1}}},
      {"full bucket, 600/min", 600, {{0, true, 599, 1, 1}}},
      // Drain: 3/min spends 3 tokens, then refuses; one token every 20 s.
      {"drain", 3, {{0, true, 2, 20, 1}, {0, true, 1, 40, 1}, {0, true, 0, 60, 20}, {0, false, 0, 60, 20}}},
      // Refill over time: 10 s into an empty 3/min bucket half a token is there: still refused, 10 s to go.
      {"refill partial",
       3,
       {{0, true, 2, 20, 1}, {0, true, 1, 40, 1}, {0, true, 0, 60, 20}, {10, false, 0, 50, 10}, {20, true, 0, 60, 20}}},
      // Retry-After rounds up: 0.5 s short of a token is 1 s; never 0.
      {"retry_after rounds up",
       3,
       {{0, true, 2, 20, 1}, {0, true, 1, 40, 1}, {0, true, 0, 60, 20}, {19.5, false, 0, 41, 1}}},
      // 60/7 = 8.57 s a token: every figure rounds up.
      {"7/min rounds up",
       7,
       {{0, true, 6, 9, 1}, {0, true, 5, 18, 1}, {0, true, 4, 26, 1}, {0, true, 3, 35, 1}, {0, true, 2, 43, 1},
        {0, true, 1, 52, 1}, {0, true, 0, 60, 9}, {0, false, 0, 60, 9}}},
      // Reset: a drained bucket is full again after 60 s, and never fuller.
      {"reset to full",
       3,
       {{0, true, 2, 20, 1}, {0, true, 1, 40, 1}, {0, true, 0, 60, 20}, {60, true, 2, 20, 1}, {3600, true, 2, 20, 1}}},
      // A clock that goes backwards refills nothing.
      {"clock backwards", 3, {{10, true, 2, 20, 1}, {5, true, 1, 40, 1}}},
      // One per minute: Retry-After 60.
      {"one per minute", 1, {{0, true, 0, 60, 60}, {30, false, 0, 30, 30}, {60, true, 0, 60, 60}}},
  };
  for (const auto& c : cases) {
    BucketState s = full_bucket(c.rate, 0);
    for (std::size_t i = 0; i < c.steps.size(); ++i) {
      const Step& want = c.steps[i];
      BucketDecision d = take_token(s, c.rate, want.at);
      const std::string where = std::string(c.name) + " step " + std::to_string(i);
      EXPECT_EQ(d.allowed, want.allowed) << where;
      EXPECT_EQ(d.remaining, want.remaining) << where;
      EXPECT_EQ(d.reset_seconds, want.reset) << where;
      EXPECT_EQ(d.retry_after, want.retry_after) << where;
    }
  }
}

TEST(TokenBucket, ContinuousRefillSpendsExactlyTheRate) {
  // 600/min asked for every 10 ms for a minute: a full bucket (600) plus the
  // minute's refill (600), give or take one.
  BucketState s = full_bucket(600, 0);
  int allowed = 0;
  for (int i = 0; i < 6000; ++i) allowed += take_token(s, 600, i * 0.01).allowed;
  EXPECT_NEAR(allowed, 1200, 1);
}

TEST(TokenBucket, ALoweredRateClampsTheTokens) {
  BucketState s = full_bucket(100, 0);
  BucketDecision d = take_token(s, 10, 0);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.remaining, 9u);
}

// --- per-key buckets ------------------------------------------------------------

TEST(RateLimiter, OneBucketPerKeyBoundedByTheKnownKeys) {
  RateLimiter l;
  EXPECT_TRUE(l.take(1, 2, 0).allowed);
  EXPECT_TRUE(l.take(1, 2, 0).allowed);
  EXPECT_FALSE(l.take(1, 2, 0).allowed);
  EXPECT_TRUE(l.take(2, 2, 0).allowed);  // another key, its own bucket
  EXPECT_EQ(l.size(), 2u);
  l.retain({2});
  EXPECT_EQ(l.size(), 1u);
  EXPECT_TRUE(l.take(1, 2, 0).allowed);  // dropped: a new, full bucket
  l.forget(1);
  l.forget(2);
  EXPECT_EQ(l.size(), 0u);
}

// --- registry ---------------------------------------------------------------------

namespace {
StoredKey stored(std::int64_t id, const std::string& key, std::optional<std::uint64_t> rate = std::nullopt) {
  return StoredKey{id, "key-" + std::to_string(id), sha256_hex(key), rate};
}
}  // namespace

TEST(ApiKeyRegistry, LookupHitMissAndEnvKeys) {
  Registry r({"env-one", "", "env-two"}, 600);
  auto one = r.lookup("env-one");
  ASSERT_TRUE(one);
  EXPECT_LT(one->id, 0);
  EXPECT_EQ(one->rate_per_minute, 600u);
  auto two = r.lookup("env-two");
  ASSERT_TRUE(two);
  EXPECT_NE(two->id, one->id);
  EXPECT_FALSE(r.lookup(""));
  EXPECT_FALSE(r.lookup("env-on"));
  EXPECT_FALSE(r.lookup("env-one "));
  EXPECT_EQ(r.ids().size(), 2u);
}

TEST(ApiKeyRegistry, TableKeysReplacedByARefreshAndRatesDefaulted) {
  Registry r({"env"}, 600);
  r.replace({stored(1, "kd_a", 3), stored(2, "kd_b")}, r.begin_refresh());
  ASSERT_TRUE(r.lookup("kd_a"));
  EXPECT_EQ(r.lookup("kd_a")->id, 1);
  EXPECT_EQ(r.lookup("kd_a")->rate_per_minute, 3u);
  EXPECT_EQ(r.lookup("kd_b")->rate_per_minute, 600u);
  // A refresh without kd_a (revoked in the database): gone; env keys stay.
  r.replace({stored(2, "kd_b")}, r.begin_refresh());
  EXPECT_FALSE(r.lookup("kd_a"));
  EXPECT_TRUE(r.lookup("kd_b"));
  EXPECT_TRUE(r.lookup("env"));
  const auto ids = r.ids();
  EXPECT_EQ(std::set<std::int64_t>(ids.begin(), ids.end()), (std::set<std::int64_t>{-1, 2}));
}

TEST(ApiKeyRegistry, CreateAndRevokeHoldAtOnceAndSurviveARefreshThatReadBeforeThem) {
  Registry r({"env"}, 600);
  r.replace({stored(1, "kd_a")}, r.begin_refresh());
  const std::uint64_t since = r.begin_refresh();  // a refresh reads the table...
  r.add(stored(2, "kd_new"));                     // ...then a key is made here
  r.revoke(1);                                    // ...and one revoked here
  EXPECT_TRUE(r.lookup("kd_new"));
  EXPECT_FALSE(r.lookup("kd_a"));
  r.replace({stored(1, "kd_a")}, since);  // what that refresh read
  EXPECT_TRUE(r.lookup("kd_new"));
  EXPECT_FALSE(r.lookup("kd_a"));
  // A later refresh is the truth again.
  r.replace({stored(1, "kd_a")}, r.begin_refresh());
  EXPECT_TRUE(r.lookup("kd_a"));
  EXPECT_FALSE(r.lookup("kd_new"));
}

TEST(ApiKeyRegistry, EnvKeysAreNotRevocable) {
  Registry r({"env"}, 600);
  r.revoke(r.lookup("env")->id);
  EXPECT_TRUE(r.lookup("env"));
}

TEST(ApiKeyRegistry, NewKeysAreLongRandomAndPrefixed) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string k = new_key();
    EXPECT_EQ(k.rfind("kd_", 0), 0u);
    EXPECT_GE(k.size() - 3, 32u);  // >= 192 bits as base64url
    EXPECT_EQ(key_prefix(k), k.substr(0, 8));
    seen.insert(k);
  }
  EXPECT_EQ(seen.size(), 100u);
}
