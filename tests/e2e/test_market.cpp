// The market job and GET /api/market-indices through the real keel, with a
// fake upstream and a redis-server the test owns (and a MariaDB for the job
// leases): the snapshot stored and served with its ETag, upstream failures
// that keep the previous snapshot, Redis going away (the local copy served
// as stale, the run failing "redis unavailable") and coming back on one
// connection, and no snapshot at all (503).
#include "e2e/fake_upstream.hpp"
#include "e2e/redis_support.hpp"
#include "e2e/support.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

using namespace e2e;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

const char* kAdminKey = "market-admin-key";
using Headers = std::vector<std::pair<std::string, std::string>>;
std::pair<std::string, std::string> admin() { return {"X-API-Key", kAdminKey}; }

const std::string kDoc = R"({"indices":[{"name":"DAX","value":18000.5},{"name":"CAC","value":7400.25}]})";
const std::string kDoc2 = R"({"indices":[{"name":"DAX","value":18100}]})";

CannedResponse json_doc(const std::string& body) { return {200, {{"Content-Type", "application/json"}}, body}; }
CannedResponse redirect_to(const std::string& path) { return {302, {{"Location", path}}, ""}; }

json job_of(unsigned port) {
  auto r = get(port, "/api/admin/jobs", {admin()});
  if (r.status != 200) throw std::runtime_error("GET /api/admin/jobs: " + std::to_string(r.status) + " " + r.body);
  const json all = r.json();  // named: a temporary's member would dangle in the loop
  for (const auto& j : all["jobs"])
    if (j["name"] == "market") return j;
  throw std::runtime_error("no market job");
}

template <class Pred>
json wait_job(unsigned port, Pred pred, std::chrono::milliseconds within = 15s) {
  const auto until = std::chrono::steady_clock::now() + within;
  json j = job_of(port);
  while (!pred(j) && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(50ms);
    j = job_of(port);
  }
  return j;
}

// Runs the job now and waits for that run to end; returns the job's status.
json run_market(unsigned port) {
  const auto before = job_of(port)["runs_total"].get<std::uint64_t>();
  auto r = request(port, {"POST", "/api/admin/jobs/market/run", {admin()}, ""});
  if (!r || r->status != 202) throw std::runtime_error("POST run: " + (r ? r->body : std::string("no answer")));
  return wait_job(port, [before](const json& j) { return j["runs_total"] > before && j["running"] == false; });
}

bool wait_health_redis(unsigned port, const std::string& want, std::chrono::milliseconds within) {
  const auto until = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < until) {
    if (get(port, "/api/health").json().value("redis", "") == want) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

class Market : public ::testing::Test {
 protected:
  void SetUp() override {
    if (test_db_url().empty()) GTEST_SKIP() << "KEEL_TEST_DB_URL is not set (run through scripts/test)";
    db_ = std::make_unique<TestDatabase>();
    upstream_.set("/market", json_doc(kDoc));
  }
  // The upstream's URL with credentials in it (kept out of "source").
  std::string market_url() const {
    return "http://feed:s3cret@127.0.0.1:" + std::to_string(upstream_.port()) + "/market";
  }
  std::map<std::string, std::string> env(const RedisServer& redis, std::map<std::string, std::string> more = {}) {
    std::map<std::string, std::string> e{{"KEEL_DB_URL", db_->url},       {"KEEL_ADMIN_API_KEY", kAdminKey},
                                         {"KEEL_REDIS_URL", redis.url()}, {"KEEL_MARKET_URL", market_url()},
                                         {"KEEL_JOB_MARKET_EVERY", "1h"}, {"KEEL_JOB_MARKET_TIMEOUT", "2s"}};
    for (auto& [k, v] : more) e[k] = v;
    return e;
  }
  std::size_t upstream_gets() const {
    std::size_t n = 0;
    for (const auto& r : upstream_.requests()) n += r.target == "/market";
    return n;
  }
  std::unique_ptr<TestDatabase> db_;
  FakeUpstream upstream_;
};

}  // namespace

TEST_F(Market, StoresTheSnapshotAndServesItWithEtagAndMaxAge) {
  RedisServer redis;
  Keel keel(env(redis));
  const unsigned port = keel.port();
  json job = wait_job(port, [](const json& j) { return j["runs_total"] >= 1 && j["running"] == false; });
  ASSERT_EQ(job["last_outcome"], "ok") << job;  // at start

  auto r = get(port, "/api/market-indices");
  ASSERT_EQ(r.status, 200) << r.body;
  const json body = r.json();
  EXPECT_EQ(body["data"], json::parse(kDoc));
  EXPECT_EQ(body["source"], "http://127.0.0.1:" + std::to_string(upstream_.port()) + "/market");
  EXPECT_EQ(body["stale"], false);
  EXPECT_GE(body["age_s"].get<int>(), 0);
  EXPECT_LE(body["age_s"].get<int>(), 5);
  EXPECT_EQ(body["fetched_at"].get<std::string>().size(), 24u) << body["fetched_at"];
  EXPECT_EQ(r.body.find("s3cret"), std::string::npos);
  const auto etag = r.header("ETag");
  ASSERT_TRUE(etag);
  const auto cache = r.header("Cache-Control").value_or("");
  ASSERT_TRUE(cache.starts_with("max-age=")) << cache;
  const int max_age = std::stoi(cache.substr(8));
  EXPECT_GT(max_age, 3500) << cache;        // the next run, an hour after the first
  EXPECT_LE(max_age, 3600 + 360) << cache;  // jitter: at most 10 %

  // What Redis holds: the document, with the TTL.
  auto [code, stored] = redis.cli("GET keel:market:latest");
  EXPECT_EQ(code, 0);
  EXPECT_EQ(json::parse(stored)["data"], json::parse(kDoc)) << stored;
  auto [ttl_code, ttl] = redis.cli("TTL keel:market:latest");
  EXPECT_GT(std::stoi(ttl), 3500) << ttl;
  EXPECT_LE(std::stoi(ttl), 3600) << ttl;
  // The upstream was asked for gzip.
  ASSERT_GE(upstream_.requests().size(), 1u);
  EXPECT_NE(upstream_.requests().back().header("Accept-Encoding").value_or("").find("gzip"), std::string::npos);

  // 304 while the snapshot is unchanged, however age_s moves.
  EXPECT_EQ(get(port, "/api/market-indices", {{"If-None-Match", *etag}}).status, 304);
  std::this_thread::sleep_for(1100ms);
  auto later = get(port, "/api/market-indices");
  EXPECT_GE(later.json()["age_s"].get<int>(), 1);
  EXPECT_EQ(later.header("ETag"), etag);
  auto not_modified = get(port, "/api/market-indices", {{"If-None-Match", *etag}});
  EXPECT_EQ(not_modified.status, 304);
  EXPECT_EQ(not_modified.header("ETag"), etag);

  // A new fetch is a new snapshot: a new ETag.
  upstream_.set("/market", json_doc(kDoc2));
  ASSERT_EQ(run_market(port)["last_outcome"], "ok");
  auto renewed = get(port, "/api/market-indices", {{"If-None-Match", *etag}});
  ASSERT_EQ(renewed.status, 200);
  EXPECT_EQ(renewed.json()["data"], json::parse(kDoc2));
  EXPECT_NE(renewed.header("ETag"), etag);
  EXPECT_EQ(keel.stop(), 0);
}

TEST_F(Market, UpstreamFailuresKeepThePreviousSnapshot) {
  RedisServer redis;
  Keel keel(env(redis));
  const unsigned port = keel.port();
  ASSERT_EQ(wait_job(port, [](const json& j) { return j["runs_total"] >= 1 && j["running"] == false; })["last_outcome"],
            "ok");
  auto first = get(port, "/api/market-indices");
  ASSERT_EQ(first.status, 200);
  const std::string etag = first.header("ETag").value_or("");
  const std::string fetched_at = first.json()["fetched_at"];

  struct Case {
    const char* name;
    CannedResponse answer;
    const char* outcome;
    const char* error;  // in last_error
  };
  const std::vector<Case> cases = {
      {"slow", redirect_to("/stall"), "timeout", "timed out"},
      {"500", {500, {}, "upstream broke"}, "failed", "500"},
      {"invalid JSON", json_doc("{\"indices\": [1, 2"), "failed", "invalid JSON"},
      {"5 MiB", redirect_to("/bytes/5242880"), "failed", "too large"},
      {"5 MiB of JSON", json_doc("[" + std::string(5u << 20, ' ') + "]"), "failed", "too large"},
      {"reset", redirect_to("/reset"), "failed", "market upstream"},
  };
  std::uint64_t failures = 0;
  for (const auto& c : cases) {
    upstream_.set("/market", c.answer);
    const std::size_t gets = upstream_gets();
    json job = run_market(port);
    EXPECT_GT(upstream_gets(), gets) << c.name;
    EXPECT_EQ(job["last_outcome"], c.outcome) << c.name << ": " << job;
    ASSERT_TRUE(job["last_error"].is_string()) << c.name << ": " << job;
    EXPECT_NE(job["last_error"].get<std::string>().find(c.error), std::string::npos) << c.name << ": " << job;
    EXPECT_EQ(job["failures_total"], ++failures) << c.name;
    auto r = get(port, "/api/market-indices");
    ASSERT_EQ(r.status, 200) << c.name;
    EXPECT_EQ(r.json()["fetched_at"], fetched_at) << c.name;
    EXPECT_EQ(r.json()["data"], json::parse(kDoc)) << c.name;
    EXPECT_EQ(r.json()["stale"], false) << c.name;
    EXPECT_EQ(r.header("ETag").value_or(""), etag) << c.name;
  }
  EXPECT_EQ(keel.stop(), 0);
}

TEST_F(Market, RedisDownServesTheLocalCopyAsStaleAndRecoversOnOneConnection) {
  RedisServer redis;
  Keel keel(env(redis));
  const unsigned port = keel.port();
  ASSERT_EQ(wait_job(port, [](const json& j) { return j["runs_total"] >= 1 && j["running"] == false; })["last_outcome"],
            "ok");
  EXPECT_EQ(redis.client_count(), 1u);

  redis.kill();
  ASSERT_TRUE(wait_health_redis(port, "down", 3s));
  auto down = get(port, "/api/market-indices");
  ASSERT_EQ(down.status, 200) << down.body;
  EXPECT_EQ(down.json()["stale"], true);
  EXPECT_EQ(down.json()["data"], json::parse(kDoc));

  // The job still fetches and keeps the new snapshot here; the run fails.
  upstream_.set("/market", json_doc(kDoc2));
  const std::size_t gets = upstream_gets();
  json failed = run_market(port);
  EXPECT_GT(upstream_gets(), gets);
  EXPECT_EQ(failed["last_outcome"], "failed");
  EXPECT_NE(failed["last_error"].get<std::string>().find("redis unavailable"), std::string::npos) << failed;
  auto local = get(port, "/api/market-indices");
  ASSERT_EQ(local.status, 200);
  EXPECT_EQ(local.json()["data"], json::parse(kDoc2));
  EXPECT_EQ(local.json()["stale"], true);

  // Redis back (empty): the local copy until the next run, then Redis again.
  redis.start();
  ASSERT_TRUE(wait_health_redis(port, "ok", 8s));
  auto empty = get(port, "/api/market-indices");
  ASSERT_EQ(empty.status, 200);
  EXPECT_EQ(empty.json()["stale"], true);
  for (int i = 0; i < 4; ++i) {
    json ok = run_market(port);
    EXPECT_EQ(ok["last_outcome"], "ok") << ok;
  }
  auto fresh = get(port, "/api/market-indices");
  ASSERT_EQ(fresh.status, 200);
  EXPECT_EQ(fresh.json()["stale"], false);
  EXPECT_EQ(fresh.json()["data"], json::parse(kDoc2));
  EXPECT_EQ(redis.client_count(), 1u) << "one connection however many runs";
  EXPECT_EQ(keel.stop(), 0);
}

TEST_F(Market, NoSnapshotAndRedisDownIs503) {
  RedisServer redis;
  redis.kill();
  Keel keel(env(redis, {{"KEEL_JOB_MARKET_AT_START", "0"}}));
  const unsigned port = keel.port();
  auto none = get(port, "/api/market-indices");
  EXPECT_EQ(none.status, 503) << none.body;
  EXPECT_EQ(none.json()["detail"], "market data unavailable");

  // A run fetches all the same: from then on its snapshot is served as stale.
  json failed = run_market(port);
  EXPECT_EQ(failed["last_outcome"], "failed");
  EXPECT_NE(failed["last_error"].get<std::string>().find("redis unavailable"), std::string::npos) << failed;
  auto local = get(port, "/api/market-indices");
  ASSERT_EQ(local.status, 200) << local.body;
  EXPECT_EQ(local.json()["stale"], true);
  EXPECT_EQ(local.json()["data"], json::parse(kDoc));
  EXPECT_EQ(keel.stop(), 0);
}

TEST_F(Market, OffWithoutAnUpstreamUrl) {
  RedisServer redis;
  auto e = env(redis);
  e.erase("KEEL_MARKET_URL");
  Keel keel(e);
  json job = job_of(keel.port());
  EXPECT_EQ(job["enabled"], false);
  EXPECT_EQ(job["every"], "off");
  EXPECT_EQ(get(keel.port(), "/api/health").json()["redis"], "off") << "nothing opened Redis";
  auto r = get(keel.port(), "/api/market-indices");
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_EQ(keel.stop(), 0);
}

TEST_F(Market, AGzipUpstreamIsInflatedBeforeItIsStored) {
  RedisServer redis;
  upstream_.set("/market", redirect_to("/gzip-json"));
  Keel keel(env(redis));
  const unsigned port = keel.port();
  json job = wait_job(port, [](const json& j) { return j["runs_total"] >= 1 && j["running"] == false; });
  ASSERT_EQ(job["last_outcome"], "ok") << job;
  auto r = get(port, "/api/market-indices");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["data"], json::parse(FakeUpstream::json_body()));
  EXPECT_EQ(keel.stop(), 0);
}

TEST_F(Market, AFullRedisQueueIs503) {
  RedisServer redis;
  Keel keel(env(redis));
  const unsigned port = keel.port();
  ASSERT_EQ(wait_job(port, [](const json& j) { return j["runs_total"] >= 1 && j["running"] == false; })["last_outcome"],
            "ok");
  // Redis holds every command for 1.5 s: keel's queue (64) fills up.
  auto [code, out] = redis.cli("CLIENT PAUSE 1500 ALL");
  ASSERT_EQ(code, 0) << out;
  std::atomic<int> ok{0}, busy{0}, other{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 100; ++i)
    clients.emplace_back([&] {
      auto r = get(port, "/api/market-indices");
      if (r.status == 200)
        ++ok;
      else if (r.status == 503 && r.json()["detail"] == "market data unavailable: redis busy")
        ++busy;
      else
        ++other;
    });
  for (auto& t : clients) t.join();
  EXPECT_GE(busy.load(), 1);
  EXPECT_GE(ok.load(), 1);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(redis.client_count(), 1u);
  EXPECT_EQ(keel.stop(), 0);
}
