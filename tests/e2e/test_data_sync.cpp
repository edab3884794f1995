// The data-sync job through the real keel (its leases on a real MariaDB)
// pulling a partner CSV from the fake upstream: a pull creates the dataset, a
// 304 to the conditional headers changes nothing, a changed source makes a
// new generation, gzip is inflated, failures (500, reset mid-body, stall past
// the timeout, a sync already running) keep the old generation and leave no
// temp folder, shutdown cancels a pull that would never end, the delimiter
// and encoding options apply, bad ones exit 2.
#include "e2e/fake_upstream.hpp"
#include "e2e/support.hpp"
#include "support/gzip.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <thread>

using namespace e2e;
using nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

const char* kAdminKey = "data-sync-admin-key";
const char* kDataKey = "data-sync-data-key-0123456789";
using Headers = std::vector<std::pair<std::string, std::string>>;
const char* kPath = "/partner.csv";
const char* kLastModified = "Wed, 02 Dec 2026 09:00:00 GMT";

CannedResponse csv(const std::string& body, const std::string& etag, Headers more = {}) {
  Headers h = {{"Content-Type", "text/csv"}, {"ETag", etag}, {"Last-Modified", kLastModified}};
  h.insert(h.end(), more.begin(), more.end());
  return CannedResponse{200, h, body};
}

json job(unsigned port) {
  auto r = get(port, "/api/admin/jobs", {{"X-API-Key", kAdminKey}});
  if (r.status != 200) throw std::runtime_error("GET /api/admin/jobs: " + std::to_string(r.status) + " " + r.body);
  const json all = r.json();
  for (const auto& j : all["jobs"])
    if (j["name"] == "data-sync") return j;
  throw std::runtime_error("no data-sync job");
}

// Runs the job now and waits for the run to end; returns the job's status.
json run_job(unsigned port) {
  const auto before = job(port)["runs_total"].get<int>();
  auto r = request(port, {"POST", "/api/admin/jobs/data-sync/run", {{"X-API-Key", kAdminKey}}, ""});
  if (!r || r->status != 202) throw std::runtime_error("POST run: " + (r ? r->body : std::string("no answer")));
  const auto until = std::chrono::steady_clock::now() + 20s;
  json j = job(port);
  while ((j["running"] == true || j["runs_total"].get<int>() == before) && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(50ms);
    j = job(port);
  }
  return j;
}

HttpResponse read(unsigned port, const std::string& path) { return get(port, path, {{"X-API-Key", kDataKey}}); }

std::size_t temp_folders(const std::string& data_dir, const std::string& dataset) {
  std::size_t n = 0;
  std::error_code ec;
  for (auto& e : fs::directory_iterator(data_dir + "/datasets/" + dataset, ec))
    if (e.path().filename().string().starts_with("tmp-")) ++n;
  return n;
}

class DataSync : public ::testing::Test {
 protected:
  void SetUp() override {
    if (test_db_url().empty()) GTEST_SKIP() << "KEEL_TEST_DB_URL is not set (run through scripts/test)";
    db_ = std::make_unique<TestDatabase>();
  }
  // A keel whose data-sync pulls `url` into dataset "partner" (runs only when asked).
  Env env(const std::string& url, Env more = {}) {
    Env e{{"KEEL_DB_URL", db_->url},     {"KEEL_ADMIN_API_KEY", kAdminKey},       {"KEEL_DATA_API_KEYS", kDataKey},
          {"KEEL_DATA_SOURCE_URL", url}, {"KEEL_DATA_SOURCE_DATASET", "partner"}, {"KEEL_JOB_DATA_SYNC_EVERY", "1h"}};
    for (auto& [k, v] : more) e[k] = v;
    return e;
  }
  std::unique_ptr<TestDatabase> db_;
  FakeUpstream upstream_;
};

}  // namespace

TEST_F(DataSync, PullsThenSkipsUnchangedThenFollowsChanges) {
  upstream_.set(kPath, csv("sku,name\nA-1,apple\nB-2,pear\n", "\"v1\""));
  // Credentials in the URL are sent, never stored.
  std::string url = upstream_.url(kPath);
  url.replace(url.find("://") + 3, 0, "partner:secret@");
  Keel keel(env(url));
  const unsigned port = keel.port();

  json j = job(port);
  EXPECT_EQ(j["enabled"], true);
  EXPECT_EQ(j["every"], "1h");

  j = run_job(port);
  ASSERT_EQ(j["last_outcome"], "ok") << j.dump();
  auto meta = read(port, "/api/datasets/partner");
  ASSERT_EQ(meta.status, 200) << meta.body;
  const json m1 = meta.json();
  EXPECT_EQ(m1["records"], 2);
  EXPECT_EQ(m1["source"], upstream_.url(kPath));
  EXPECT_EQ(m1["source_etag"], "\"v1\"");
  EXPECT_EQ(m1["source_last_modified"], kLastModified);
  auto page = read(port, "/api/datasets/partner/records?limit=10");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.json()["data"], json::parse(R"([{"sku":"A-1","name":"apple"},{"sku":"B-2","name":"pear"}])"));
  ASSERT_FALSE(upstream_.requests().empty());
  EXPECT_FALSE(upstream_.requests().back().header("If-None-Match")) << "nothing to validate on the first pull";
  EXPECT_EQ(upstream_.requests().back().header("Authorization"), "Basic cGFydG5lcjpzZWNyZXQ=");

  // Unchanged: the upstream answers 304 to the validators it gave.
  upstream_.set(kPath, CannedResponse{304, {{"ETag", "\"v1\""}}, ""});
  j = run_job(port);
  EXPECT_EQ(j["last_outcome"], "ok") << j.dump();
  EXPECT_EQ(j["runs_total"], 2);
  const auto seen = upstream_.requests().back();
  EXPECT_EQ(seen.header("If-None-Match"), "\"v1\"");
  EXPECT_EQ(seen.header("If-Modified-Since"), kLastModified);
  const json m2 = read(port, "/api/datasets/partner").json();
  EXPECT_EQ(m2["generation"], m1["generation"]);
  EXPECT_EQ(m2["synced_at"], m1["synced_at"]);
  EXPECT_EQ(temp_folders(keel.data_dir(), "partner"), 0u);

  // Changed: a new generation with the new validators.
  upstream_.set(kPath, csv("sku,name\nC-3,plum\n", "\"v2\""));
  j = run_job(port);
  EXPECT_EQ(j["last_outcome"], "ok") << j.dump();
  const json m3 = read(port, "/api/datasets/partner").json();
  EXPECT_NE(m3["generation"], m1["generation"]);
  EXPECT_EQ(m3["records"], 1);
  EXPECT_EQ(m3["source_etag"], "\"v2\"");

  // A gzip-encoded source is inflated on the way in.
  std::string big = "sku,name\n";
  for (int i = 0; i < 20000; ++i) big += "G-" + std::to_string(i) + ",gzipped fruit\n";
  upstream_.set(kPath, csv(test_support::gzip(big), "\"v3\"", {{"Content-Encoding", "gzip"}}));
  j = run_job(port);
  EXPECT_EQ(j["last_outcome"], "ok") << j.dump();
  const json m4 = read(port, "/api/datasets/partner").json();
  EXPECT_NE(m4["generation"], m3["generation"]);
  EXPECT_EQ(m4["records"], 20000);
  EXPECT_EQ(m4["source_bytes"], big.size());
  EXPECT_EQ(read(port, "/api/datasets/partner/records?offset=19999&limit=1").json()["data"][0]["sku"], "G-19999");
  EXPECT_EQ(upstream_.requests().back().header("If-None-Match"), "\"v2\"");
  EXPECT_EQ(temp_folders(keel.data_dir(), "partner"), 0u);
}

TEST_F(DataSync, FailedPullsKeepTheGeneration) {
  upstream_.set(kPath, csv("sku,name\nA-1,apple\n", "\"v1\""));
  // The timeout ends the stalled pull.
  Keel keel(env(upstream_.url(kPath), {{"KEEL_JOB_DATA_SYNC_TIMEOUT", "3s"}}));
  const unsigned port = keel.port();
  ASSERT_EQ(run_job(port)["last_outcome"], "ok");
  const json before = read(port, "/api/datasets/partner").json();

  struct Case {
    const char* name;
    CannedResponse answer;
    std::vector<std::string> outcomes;
    std::string error;  // in last_error
    int max_ms = 5000;  // every run ends well inside the client's 10 s idle timeout
  };
  const Case cases[] = {
      {"500", {500, {}, "upstream broke"}, {"failed"}, "data source answered 500"},
      {"404", {404, {}, "gone"}, {"failed"}, "data source answered 404"},
      // A head promising 1 MiB, 64 KiB of it, then a TCP reset.
      {"reset", {302, {{"Location", "/reset"}}, ""}, {"failed"}, ""},
      // Part of the body, then nothing: the run's timeout (3 s) cancels it, before the client's idle timeout.
      {"stall", {302, {{"Location", "/stall"}}, ""}, {"timeout", "failed"}, ""},
      {"bad csv", csv("", "\"v9\""), {"failed"}, "empty CSV"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    upstream_.set(kPath, c.answer);
    const json j = run_job(port);
    EXPECT_NE(std::find(c.outcomes.begin(), c.outcomes.end(), j["last_outcome"].get<std::string>()), c.outcomes.end())
        << j.dump();
    ASSERT_TRUE(j["last_error"].is_string()) << j.dump();
    EXPECT_NE(j["last_error"].get<std::string>().find(c.error), std::string::npos) << j.dump();
    EXPECT_LT(j["last_duration_ms"].get<int>(), c.max_ms)
        << "ended by the run's timeout, not the client's 10 s idle timeout";
    const json now = read(port, "/api/datasets/partner").json();
    EXPECT_EQ(now["generation"], before["generation"]);
    EXPECT_EQ(now["synced_at"], before["synced_at"]);
    EXPECT_EQ(temp_folders(keel.data_dir(), "partner"), 0u);
  }
  EXPECT_EQ(job(port)["running"], false);
}

TEST_F(DataSync, SyncInProgressThenOptionsApply) {
  // Semicolons and Latin-1: "José;Köln".
  upstream_.set(kPath, csv("name;city\nJos\xe9;K\xf6ln\n", "\"l1\""));
  Keel keel(env(upstream_.url(kPath), {{"KEEL_DATA_SOURCE_DELIMITER", ";"}, {"KEEL_DATA_SOURCE_ENCODING", "latin-1"}}));
  const unsigned port = keel.port();

  // A PUT of the same dataset whose body has not all arrived holds its lock.
  {
    Conn put(port);
    ASSERT_TRUE(put.send("PUT /api/admin/datasets/partner HTTP/1.1\r\nHost: x\r\nX-API-Key: " + std::string(kAdminKey) +
                         "\r\nContent-Type: text/csv\r\nContent-Length: 1000\r\n\r\nname;city\n"));
    std::this_thread::sleep_for(500ms);
    const json j = run_job(port);
    EXPECT_EQ(j["last_outcome"], "failed") << j.dump();
    EXPECT_EQ(j["last_error"], "sync in progress");
  }
  // The PUT gone (client closed), the lock with it.
  const auto until = std::chrono::steady_clock::now() + 10s;
  json j = run_job(port);
  while (j["last_outcome"] != "ok" && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(200ms);
    j = run_job(port);
  }
  ASSERT_EQ(j["last_outcome"], "ok") << j.dump();
  auto page = read(port, "/api/datasets/partner/records?limit=10");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.json()["data"], json::parse(R"([{"name":"José","city":"Köln"}])"));
  EXPECT_EQ(temp_folders(keel.data_dir(), "partner"), 0u);
}

TEST(DataSyncConfig, BadOptionsExit2) {
  const std::pair<const char*, const char*> cases[] = {
      {"KEEL_DATA_SOURCE_DELIMITER", "x"},
      {"KEEL_DATA_SOURCE_ENCODING", "ebcdic"},
      {"KEEL_DATA_SOURCE_DATASET", "Not A Name"},
  };
  for (const auto& [name, value] : cases) {
    SCOPED_TRACE(std::string(name) + "=" + value);
    auto [code, out] = Keel::run({}, {{"KEEL_DATA_SOURCE_URL", "http://127.0.0.1:9/x.csv"}, {name, value}});
    EXPECT_EQ(code, 2) << out;
    EXPECT_NE(out.find(name), std::string::npos) << out;
  }
}

TEST(DataSyncConfig, HelpListsTheOptions) {
  auto [code, out] = Keel::run({"--help"});
  EXPECT_EQ(code, 0);
  for (const char* name : {"KEEL_DATA_SOURCE_DATASET", "KEEL_DATA_SOURCE_DELIMITER", "KEEL_DATA_SOURCE_ENCODING"})
    EXPECT_NE(out.find(name), std::string::npos) << name;
}

TEST_F(DataSync, ShutdownCancelsAPullThatNeverEnds) {
  // A byte every 50 ms for ever: no client timeout ends it within the job's
  // hour; the shutdown grace must, through the run's stop flag.
  upstream_.set(kPath, CannedResponse{302, {{"Location", "/trickle"}}, ""});
  Keel keel(env(upstream_.url(kPath), {{"KEEL_SHUTDOWN_GRACE_S", "1"}}));
  const unsigned port = keel.port();
  auto r = request(port, {"POST", "/api/admin/jobs/data-sync/run", {{"X-API-Key", kAdminKey}}, ""});
  ASSERT_TRUE(r && r->status == 202);
  std::this_thread::sleep_for(1s);
  ASSERT_EQ(job(port)["running"], true);
  EXPECT_EQ(temp_folders(keel.data_dir(), "partner"), 1u) << "the sync is under way";
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(keel.stop(15, 30), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 8s);
  EXPECT_EQ(temp_folders(keel.data_dir(), "partner"), 0u);
}
