// The data feed's API keys against a real MariaDB: the key matrix on a data
// route (the test route /__test/data-ping), the admin routes that make, list
// and revoke keys, the per-key rate limit, and a revoke made in the database
// by hand holding within 5 s.
#include "e2e/support.hpp"

#include <gtest/gtest.h>

#include <thread>

using namespace e2e;
using nlohmann::json;

namespace {

const char* kAdminKey = "admin-secret-key";
const char* kEnvKey = "env-data-key-one";

class ApiKeys : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (test_db_url().empty()) return;
    db_ = new TestDatabase();
    keel_ = new Keel(Env{{"KEEL_DB_URL", db_->url},
                         {"KEEL_AUTO_MIGRATE", "1"},
                         {"KEEL_ADMIN_API_KEY", kAdminKey},
                         {"KEEL_DATA_API_KEYS", std::string(kEnvKey) + ",env-data-key-two"},
                         {"KEEL_DATA_RATE_PER_MIN", "1000"}});
  }
  static void TearDownTestSuite() {
    delete keel_;
    delete db_;
    keel_ = nullptr;
    db_ = nullptr;
  }
  void SetUp() override {
    if (!db_) GTEST_SKIP() << "KEEL_TEST_DB_URL is not set (run through scripts/test)";
  }
  static unsigned port() { return keel_->port(); }
  using Headers = std::vector<std::pair<std::string, std::string>>;
  static std::pair<std::string, std::string> admin() { return {"X-API-Key", kAdminKey}; }
  static std::pair<std::string, std::string> key(const std::string& k) { return {"X-API-Key", k}; }
  static std::pair<std::string, std::string> bearer(const std::string& k) { return {"Authorization", "Bearer " + k}; }

  static HttpResponse ping(Headers h = {}) { return get(port(), "/__test/data-ping", std::move(h)); }
  static HttpResponse create(const json& body, Headers h = {admin()}) {
    h.emplace_back("Content-Type", "application/json");
    auto r = request(port(), {"POST", "/api/admin/api-keys", h, body.dump()});
    if (!r) throw std::runtime_error("no response");
    return *r;
  }
  // A new key: {"id", "key", ...}.
  static json new_key(const json& body = {{"name", "partner"}}) {
    auto r = create(body);
    if (r.status != 201) throw std::runtime_error("create: " + std::to_string(r.status) + " " + r.body);
    return r.json();
  }
  static HttpResponse revoke(std::int64_t id, Headers h = {admin()}) {
    auto r = request(port(), {"DELETE", "/api/admin/api-keys/" + std::to_string(id), h, ""});
    if (!r) throw std::runtime_error("no response");
    return *r;
  }
  static json listed(std::int64_t id) {
    auto r = get(port(), "/api/admin/api-keys", {admin()});
    if (r.status != 200) throw std::runtime_error("list: " + r.body);
    const json doc = r.json();
    for (const auto& k : doc["keys"])
      if (k["id"] == id) return k;
    return nullptr;
  }

  static TestDatabase* db_;
  static Keel* keel_;
};
TestDatabase* ApiKeys::db_ = nullptr;
Keel* ApiKeys::keel_ = nullptr;

}  // namespace

TEST_F(ApiKeys, NoKeyIs401WithWwwAuthenticate) {
  auto r = ping();
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.header("WWW-Authenticate").value_or(""), "Bearer");
  EXPECT_EQ(r.json()["detail"], "Not authenticated");
  EXPECT_FALSE(r.header("RateLimit-Limit"));
}

TEST_F(ApiKeys, WrongKeyIs403) {
  for (const auto& h : {key("nope"), bearer("nope"), key("kd_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")}) {
    auto r = ping({h});
    EXPECT_EQ(r.status, 403) << h.second;
    EXPECT_EQ(r.json()["detail"], "invalid API key");
  }
}

TEST_F(ApiKeys, EnvKeyIsServedWithRateLimitHeaders) {
  for (const auto& h : {key(kEnvKey), bearer("env-data-key-two")}) {
    auto r = ping({h});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json(), json({{"ok", true}}));
    EXPECT_EQ(r.header("RateLimit-Limit").value_or(""), "1000");
    EXPECT_TRUE(r.header("RateLimit-Remaining"));
    EXPECT_TRUE(r.header("RateLimit-Reset"));
  }
}

TEST_F(ApiKeys, RateLimitHeadersAlsoOnTheRoutesErrors) {
  auto r = get(port(), "/__test/data-missing", {key(kEnvKey)});
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.header("RateLimit-Limit").value_or(""), "1000");
  EXPECT_TRUE(r.header("RateLimit-Remaining"));
}

TEST_F(ApiKeys, AdminKeyIsServedAndNotLimited) {
  for (const auto& h : {admin(), bearer(kAdminKey)}) {
    auto r = ping({h});
    EXPECT_EQ(r.status, 200);
    EXPECT_FALSE(r.header("RateLimit-Limit"));
  }
}

TEST_F(ApiKeys, CreatedKeyIsShownOnceAndWorksAtOnce) {
  auto r = create({{"name", "Acme feed"}});
  ASSERT_EQ(r.status, 201) << r.body;
  json j = r.json();
  ASSERT_TRUE(j["id"].is_number_integer());
  std::string k = j["key"];
  EXPECT_EQ(k.rfind("kd_", 0), 0u);
  EXPECT_GE(k.size(), 35u);  // "kd_" + >= 128 bits as base64url
  EXPECT_EQ(j["prefix"], k.substr(0, 8));
  EXPECT_EQ(j["name"], "Acme feed");
  EXPECT_EQ(j["rate_per_minute"], 1000);  // KEEL_DATA_RATE_PER_MIN when not given
  EXPECT_TRUE(j["created_at"].is_string());
  EXPECT_EQ(j["created_at"].get<std::string>().back(), 'Z');

  auto p = ping({key(k)});
  EXPECT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(p.header("RateLimit-Limit").value_or(""), "1000");
  EXPECT_EQ(ping({bearer(k)}).status, 200);

  // Listed without secrets; the env keys are not listed.
  auto list = get(port(), "/api/admin/api-keys", {admin()});
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.body.find(k), std::string::npos);
  EXPECT_EQ(list.body.find(kEnvKey), std::string::npos);
  json row = listed(j["id"]);
  ASSERT_FALSE(row.is_null());
  EXPECT_EQ(row["prefix"], j["prefix"]);
  EXPECT_EQ(row["created_at"], j["created_at"]);
  EXPECT_FALSE(row.contains("key"));
  EXPECT_FALSE(row.contains("revoked_at"));
  // The table holds the key's SHA-256 only.
  auto [rc, out] = db_->sql("SELECT key_sha256 FROM api_keys WHERE id = " + std::to_string(j["id"].get<long long>()));
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find(sha256_hex(k)), std::string::npos);
}

TEST_F(ApiKeys, RevokedKeyIs403AtOnceAndTheRowStays) {
  json j = new_key();
  std::string k = j["key"];
  std::int64_t id = j["id"];
  ASSERT_EQ(ping({key(k)}).status, 200);
  EXPECT_EQ(revoke(id).status, 204);
  auto r = ping({key(k)});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.json()["detail"], "invalid API key");
  json row = listed(id);
  ASSERT_FALSE(row.is_null());
  EXPECT_TRUE(row["revoked_at"].is_string());
  // Revoking again is 204 (the first revoked_at stays); an unknown id is 404.
  EXPECT_EQ(revoke(id).status, 204);
  EXPECT_EQ(listed(id)["revoked_at"], row["revoked_at"]);
  EXPECT_EQ(revoke(999999999).status, 404);
  EXPECT_EQ(revoke(id, {}).status, 401);
  EXPECT_EQ(revoke(id, {key(kEnvKey)}).status, 403);
}

TEST_F(ApiKeys, DataKeysAreRefusedOnAdminRoutes) {
  std::string k = new_key()["key"];
  EXPECT_EQ(get(port(), "/api/admin/api-keys", {key(k)}).status, 403);
  EXPECT_EQ(get(port(), "/api/admin/api-keys", {bearer(k)}).status, 403);
  EXPECT_EQ(get(port(), "/api/admin/api-keys", {key(kEnvKey)}).status, 403);
  EXPECT_EQ(create({{"name", "x"}}, {key(k)}).status, 403);
  auto none = get(port(), "/api/admin/api-keys");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.header("WWW-Authenticate").value_or(""), "Bearer");
}

TEST_F(ApiKeys, RateLimitOfThreePerMinute) {
  json j = new_key({{"name", "slow partner"}, {"rate_per_minute", 3}});
  EXPECT_EQ(j["rate_per_minute"], 3);
  std::string k = j["key"];
  for (int remaining = 2; remaining >= 0; --remaining) {
    auto r = ping({key(k)});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("RateLimit-Limit").value_or(""), "3");
    EXPECT_EQ(r.header("RateLimit-Remaining").value_or(""), std::to_string(remaining));
    int reset = std::stoi(r.header("RateLimit-Reset").value_or("0"));
    EXPECT_GE(reset, 1);
    EXPECT_LE(reset, 60);
  }
  auto r = ping({key(k)});
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.json()["detail"], "rate limit exceeded");
  int retry = std::stoi(r.header("Retry-After").value_or("0"));
  EXPECT_GE(retry, 1);
  EXPECT_LE(retry, 20);  // one token every 20 s
  // Other keys have buckets of their own; the admin key is not limited.
  EXPECT_EQ(ping({key(kEnvKey)}).status, 200);
  EXPECT_EQ(ping({admin()}).status, 200);
}

TEST_F(ApiKeys, RevokeInTheDatabaseHoldsWithinFiveSeconds) {
  json j = new_key();
  std::string k = j["key"];
  ASSERT_EQ(ping({key(k)}).status, 200);
  auto [rc, out] = db_->sql("UPDATE api_keys SET revoked_at = UTC_TIMESTAMP(3) WHERE id = " +
                            std::to_string(j["id"].get<long long>()));
  ASSERT_EQ(rc, 0) << out;
  const auto start = std::chrono::steady_clock::now();
  int status = 0;
  while (std::chrono::steady_clock::now() - start < std::chrono::seconds(7)) {
    status = ping({key(k)}).status;
    if (status == 403) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(status, 403);
  EXPECT_LE(waited, 5.5);
}

TEST_F(ApiKeys, KeyMadeInTheDatabaseIsServedWithinFiveSeconds) {
  // As if another instance had made it.
  const std::string k = "kd_made-elsewhere-" + random_hex(12);
  auto [rc, out] = db_->sql("INSERT INTO api_keys (name, key_sha256, prefix, rate_per_minute, created_at) VALUES "
                            "('elsewhere', '" + sha256_hex(k) + "', '" + k.substr(0, 8) + "', 5, UTC_TIMESTAMP(3))");
  ASSERT_EQ(rc, 0) << out;
  const auto start = std::chrono::steady_clock::now();
  HttpResponse r;
  while (std::chrono::steady_clock::now() - start < std::chrono::seconds(7)) {
    r = ping({key(k)});
    if (r.status == 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("RateLimit-Limit").value_or(""), "5");
}

TEST_F(ApiKeys, CreateValidatesInFastApisShape) {
  struct Case {
    json body;
    std::string loc_field;
  };
  const std::vector<Case> cases = {
      {json::object(), "name"},
      {{{"name", ""}}, "name"},
      {{{"name", std::string(81, 'x')}}, "name"},
      {{{"name", 5}}, "name"},
      {{{"name", "ok"}, {"rate_per_minute", 0}}, "rate_per_minute"},
      {{{"name", "ok"}, {"rate_per_minute", 100001}}, "rate_per_minute"},
      {{{"name", "ok"}, {"rate_per_minute", "fast"}}, "rate_per_minute"},
      {{{"name", "ok"}, {"key", "chosen-by-me"}}, "key"},
  };
  for (const auto& c : cases) {
    auto r = create(c.body);
    ASSERT_EQ(r.status, 422) << c.body.dump() << " " << r.body;
    json d = r.json()["detail"];
    ASSERT_TRUE(d.is_array()) << r.body;
    EXPECT_EQ(d[0]["loc"], json({"body", c.loc_field})) << c.body.dump() << " " << r.body;
  }
  EXPECT_EQ(create({{"name", std::string(80, 'x')}, {"rate_per_minute", 100000}}).status, 201);
  EXPECT_EQ(create({{"name", "null rate"}, {"rate_per_minute", nullptr}}).status, 201);
  EXPECT_EQ(create({{"name", "no admin"}}, {}).status, 401);
  auto bad_id = request(port(), {"DELETE", "/api/admin/api-keys/abc", {admin()}, ""});
  ASSERT_TRUE(bad_id);
  EXPECT_EQ(bad_id->status, 422);
  EXPECT_EQ(revoke(0).status, 404);
}
