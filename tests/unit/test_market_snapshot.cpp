// The market snapshot's pure decisions (services/market/snapshot) and the
// process's last copy (services/market/last_seen), by tables.
#include "services/market/last_seen.hpp"
#include "services/market/snapshot.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <vector>

using namespace keel::market;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {
constexpr std::int64_t kMs = 1796300000123;  // 2026-12-03T12:13:20.123Z
}

TEST(MarketSnapshot, DocumentHoldsFetchedAtSourceAndTheDataAsSent) {
  struct Case {
    const char* data;
    json want_data;
  };
  const std::vector<Case> cases = {
      {R"({"dax":18000.5,"n":[1,2]})", json{{"dax", 18000.5}, {"n", {1, 2}}}},
      {"[1, 2, 3]", json::array({1, 2, 3})},
      {"42", 42},
      {"\"text\"", "text"},
      {"null", nullptr},
      {" {\"a\" : 1} \n", json{{"a", 1}}},
  };
  for (const auto& c : cases) {
    const std::string doc = make_document(kMs, "https://feed.example/x?q=\"1\"", c.data);
    const json j = json::parse(doc);
    EXPECT_EQ(j["fetched_at"], "2026-12-03T12:13:20.123Z") << doc;
    EXPECT_EQ(j["source"], "https://feed.example/x?q=\"1\"") << doc;
    EXPECT_EQ(j["data"], c.want_data) << doc;
    EXPECT_EQ(doc.find(c.data) != std::string::npos, true) << "the data is stored as sent: " << doc;
  }
}

TEST(MarketSnapshot, ReadBackGivesTheSameSnapshotWithoutParsingTheData) {
  auto made = make_snapshot(kMs, "http://u/", R"({"x":[1,2,3]})");
  auto read = read_snapshot(made->document);
  ASSERT_TRUE(read);
  EXPECT_EQ(read->fetched_at_s, made->fetched_at_s);
  EXPECT_EQ(read->fetched_at_s, kMs / 1000);
  EXPECT_EQ(read->digest, made->digest);
  EXPECT_EQ(read->document, made->document);
}

TEST(MarketSnapshot, ReadRefusesWhatIsNoSnapshot) {
  const std::vector<std::string> bad = {
      "",
      "[]",
      "{}",
      "not json",
      R"({"source":"x","data":1})",
      R"({"fetched_at":12,"data":1})",
      R"({"fetched_at":"yesterday","data":1})",
      R"({"data":{"fetched_at":"2026-12-03T17:33:20Z"}})",  // nested: not the snapshot's own
      R"({"fetched_at":"2026-12-03T17:33:20Z","data":1} trailing)",
  };
  for (const auto& d : bad) EXPECT_FALSE(read_snapshot(d)) << d;
  EXPECT_TRUE(read_snapshot(R"({"source":"x","data":[{"a":{}}],"fetched_at":"2026-12-03T17:33:20Z"})"))
      << "another member order still reads";
}

TEST(MarketSnapshot, AgeAndStaleness) {
  struct Case {
    std::int64_t now_s, fetched_s;
    std::uint32_t every_s;
    bool local;
    std::int64_t want_age;
    bool want_stale;
  };
  const std::vector<Case> cases = {
      {1000, 1000, 180, false, 0, false},  {1360, 1000, 180, false, 360, false},  // exactly two intervals: not yet
      {1361, 1000, 180, false, 361, true}, {1010, 1000, 180, true, 10, true},     // Redis down: this process's copy
      {1010, 1000, 0, false, 10, true},                                           // the job is off
      {990, 1000, 180, false, 0, false},                                          // a clock that went back
  };
  for (const auto& c : cases) {
    const auto age = age_seconds(c.now_s, c.fetched_s);
    EXPECT_EQ(age, c.want_age) << c.now_s;
    EXPECT_EQ(is_stale(age, c.every_s, c.local), c.want_stale) << c.now_s << " " << c.every_s << " " << c.local;
  }
}

TEST(MarketSnapshot, MaxAgeIsTheTimeUntilTheNextRunRoundedUp) {
  const auto now = std::chrono::system_clock::time_point(1000s);
  struct Case {
    std::optional<std::chrono::system_clock::time_point> next;
    std::int64_t want;
  };
  const std::vector<Case> cases = {
      {std::nullopt, 0}, {now, 0}, {now - 5s, 0}, {now + 180s, 180}, {now + 1ms, 1}, {now + 179'001ms, 180},
  };
  for (const auto& c : cases) EXPECT_EQ(max_age_seconds(now, c.next), c.want);
}

TEST(MarketSnapshot, EtagFollowsTheSnapshotAndItsStalenessNotItsAge) {
  auto a = make_snapshot(kMs, "http://u/", "[1]");
  auto a_again = read_snapshot(a->document);
  auto b = make_snapshot(kMs + 1000, "http://u/", "[1]");  // a later fetch of the same data
  auto c = make_snapshot(kMs, "http://u/", "[2]");
  EXPECT_EQ(etag(*a, false), etag(*a_again, false));
  EXPECT_NE(etag(*a, false), etag(*b, false));
  EXPECT_NE(etag(*a, false), etag(*c, false));
  EXPECT_NE(etag(*a, false), etag(*a, true));
  EXPECT_TRUE(etag(*a, false).starts_with("W/\"")) << "the body's age_s moves under it: a weak tag";
}

TEST(MarketSnapshot, ResponseBodyAddsAgeAndStale) {
  auto s = make_snapshot(kMs, "http://u/", R"({"dax":1})");
  const json fresh = json::parse(response_body(*s, 12, false));
  EXPECT_EQ(fresh["age_s"], 12);
  EXPECT_EQ(fresh["stale"], false);
  EXPECT_EQ(fresh["data"], json({{"dax", 1}}));
  EXPECT_EQ(fresh["source"], "http://u/");
  EXPECT_EQ(json::parse(response_body(*s, 0, true))["stale"], true);
}

TEST(MarketLastSeen, KeepsTheNewestWithinItsAge) {
  LastSeen seen;
  EXPECT_FALSE(seen.get(0, 3600));
  auto older = make_snapshot(1000'000, "u", "1");
  auto newer = make_snapshot(2000'000, "u", "2");
  seen.remember(newer);
  seen.remember(older);  // read from Redis later, fetched earlier: not kept
  EXPECT_EQ(seen.get(2000, 3600), newer);
  EXPECT_EQ(seen.get(2000 + 3600, 3600), newer);
  EXPECT_FALSE(seen.get(2000 + 3601, 3600)) << "older than the TTL: not served";
  EXPECT_EQ(seen.same_as(newer->document), newer);
  EXPECT_FALSE(seen.same_as(older->document));
}
