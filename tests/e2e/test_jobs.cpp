// Scheduled jobs through the real keel against a real MariaDB, driven by the
// test-only job `test-sleep` (tests/support/test_jobs.cpp): the admin
// routes, a run past its timeout, SIGTERM while a job runs, and two keel
// processes on one database that never run the job at once and hand it over
// when the holder is killed.
#include "e2e/support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

using namespace e2e;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

const char* kAdminKey = "jobs-admin-key";
using Headers = std::vector<std::pair<std::string, std::string>>;
std::pair<std::string, std::string> admin() { return {"X-API-Key", kAdminKey}; }

HttpResponse post(unsigned port, const std::string& path, Headers h = {admin()}) {
  auto r = request(port, {"POST", path, h, ""});
  if (!r) throw std::runtime_error("no response to POST " + path);
  return *r;
}

json job_of(unsigned port, const std::string& name) {
  auto r = get(port, "/api/admin/jobs", {admin()});
  if (r.status != 200) throw std::runtime_error("GET /api/admin/jobs: " + std::to_string(r.status) + " " + r.body);
  const json all = r.json();
  for (const auto& j : all["jobs"])
    if (j["name"] == name) return j;
  throw std::runtime_error("no job " + name);
}

// Polls the job until pred holds (or the time is up); returns the last view.
template <class Pred>
json wait_job(unsigned port, const std::string& name, Pred pred, std::chrono::milliseconds within = 10s) {
  const auto until = std::chrono::steady_clock::now() + within;
  json j = job_of(port, name);
  while (!pred(j) && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(50ms);
    j = job_of(port, name);
  }
  return j;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "start <ms>" / "end <ms>" lines -> [start, end) intervals; an unfinished
// last run ends at open_end.
std::vector<std::pair<std::int64_t, std::int64_t>> runs_in(const std::string& file, std::int64_t open_end) {
  std::ifstream in(file);
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  std::string what;
  std::int64_t t = 0;
  while (in >> what >> t) {
    if (what == "start") out.emplace_back(t, open_end);
    if (what == "end" && !out.empty()) out.back().second = t;
  }
  return out;
}

class Jobs : public ::testing::Test {
 protected:
  void SetUp() override {
    if (test_db_url().empty()) GTEST_SKIP() << "KEEL_TEST_DB_URL is not set (run through scripts/test)";
    db_ = std::make_unique<TestDatabase>();
  }
  Env env(Env more) {
    Env e{{"KEEL_DB_URL", db_->url}, {"KEEL_ADMIN_API_KEY", kAdminKey}};
    for (auto& [k, v] : more) e[k] = v;
    return e;
  }
  std::unique_ptr<TestDatabase> db_;
};

}  // namespace

TEST_F(Jobs, AdminRoutes) {
  Keel keel(env({{"KEEL_INSTANCE", "inst-a"}, {"KEEL_TEST_JOB_SLEEP_MS", "1500"}}));
  const unsigned port = keel.port();

  EXPECT_EQ(get(port, "/api/admin/jobs").status, 401);
  EXPECT_EQ(post(port, "/api/admin/jobs/test-sleep/run", {}).status, 401);
  EXPECT_EQ(post(port, "/api/admin/jobs/test-sleep/run", {{"X-API-Key", "wrong"}}).status, 403);

  auto list = get(port, "/api/admin/jobs", {admin()});
  ASSERT_EQ(list.status, 200) << list.body;
  json idle = job_of(port, "test-sleep");
  for (const char* field : {"name", "enabled", "paused", "every", "running", "last_started_at", "last_finished_at",
                            "last_duration_ms", "last_outcome", "last_error", "next_run_at", "runs_total",
                            "failures_total", "skipped_total", "holder"})
    EXPECT_TRUE(idle.contains(field)) << field;
  EXPECT_EQ(idle["every"], "1h");
  EXPECT_EQ(idle["enabled"], true);
  EXPECT_TRUE(idle["holder"].is_null());
  EXPECT_TRUE(idle["last_outcome"].is_null());
  // RFC 3339 UTC with milliseconds.
  const std::string next = idle["next_run_at"];
  EXPECT_EQ(next.size(), 24u) << next;
  EXPECT_EQ(next.back(), 'Z') << next;
  EXPECT_EQ(next[19], '.') << next;
  json off = job_of(port, "test-off");
  EXPECT_EQ(off["enabled"], false);
  EXPECT_EQ(off["every"], "off");

  auto run = post(port, "/api/admin/jobs/test-sleep/run");
  ASSERT_EQ(run.status, 202) << run.body;
  EXPECT_EQ(run.json()["job"]["running"], true);
  EXPECT_EQ(run.json()["job"]["holder"], "inst-a");
  auto again = post(port, "/api/admin/jobs/test-sleep/run");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.json()["detail"], "job is running");
  auto disabled = post(port, "/api/admin/jobs/test-off/run");
  EXPECT_EQ(disabled.status, 409);
  EXPECT_EQ(disabled.json()["detail"], "job is disabled");
  EXPECT_EQ(post(port, "/api/admin/jobs/nope/run").status, 404);
  EXPECT_EQ(post(port, "/api/admin/jobs/nope/pause").status, 404);

  auto paused = post(port, "/api/admin/jobs/test-sleep/pause");
  ASSERT_EQ(paused.status, 200) << paused.body;
  EXPECT_EQ(paused.json()["job"]["paused"], true);
  EXPECT_TRUE(paused.json()["job"]["next_run_at"].is_null());
  auto resumed = post(port, "/api/admin/jobs/test-sleep/resume");
  ASSERT_EQ(resumed.status, 200);
  EXPECT_EQ(resumed.json()["job"]["paused"], false);

  json done = wait_job(port, "test-sleep", [](const json& j) { return j["running"] == false; });
  EXPECT_EQ(done["last_outcome"], "ok");
  EXPECT_EQ(done["runs_total"], 1);
  EXPECT_GE(done["last_duration_ms"].get<int>(), 1400);
  EXPECT_TRUE(done["holder"].is_null()) << "released at the end of the run";
}

TEST_F(Jobs, WithoutAnAdminKeyTheRoutesAnswer503) {
  Keel keel(Env{{"KEEL_DB_URL", db_->url}});
  auto r = get(keel.port(), "/api/admin/jobs", {admin()});
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.json()["detail"], "admin access not configured");
  EXPECT_EQ(post(keel.port(), "/api/admin/jobs/test-sleep/run").status, 503);
}

TEST_F(Jobs, ARunPastItsTimeoutEndsAsTimeout) {
  for (const char* blocking : {"0", "1"}) {
    Keel keel(env({{"KEEL_JOB_TEST_SLEEP_TIMEOUT", "1s"},
                   {"KEEL_TEST_JOB_SLEEP_MS", "20000"},
                   {"KEEL_TEST_JOB_BLOCKING", blocking}}));
    ASSERT_EQ(post(keel.port(), "/api/admin/jobs/test-sleep/run").status, 202);
    json j = wait_job(keel.port(), "test-sleep", [](const json& j) { return j["running"] == false; });
    EXPECT_EQ(j["last_outcome"], "timeout") << "blocking=" << blocking;
    EXPECT_EQ(j["last_error"], "timed out after 1s");
    EXPECT_EQ(j["failures_total"], 1);
    EXPECT_LT(j["last_duration_ms"].get<int>(), 3000) << "the run stopped when told, blocking=" << blocking;
  }
}

TEST_F(Jobs, AFailingRunIsFailedWithItsError) {
  Keel keel(env({{"KEEL_TEST_JOB_FAIL", "1"}}));
  ASSERT_EQ(post(keel.port(), "/api/admin/jobs/test-sleep/run").status, 202);
  json j = wait_job(keel.port(), "test-sleep", [](const json& j) { return j["running"] == false; });
  EXPECT_EQ(j["last_outcome"], "failed");
  EXPECT_EQ(j["last_error"], "deliberate failure for tests");
}

TEST_F(Jobs, SigtermWhileAJobRunsExitsZeroWithinTheGraceAndReleasesTheLease) {
  Keel keel(env({{"KEEL_SHUTDOWN_GRACE_S", "1"}, {"KEEL_TEST_JOB_SLEEP_MS", "60000"}, {"KEEL_INSTANCE", "x"}}));
  ASSERT_EQ(post(keel.port(), "/api/admin/jobs/test-sleep/run").status, 202);
  std::this_thread::sleep_for(200ms);
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(keel.stop(15, 10), 0) << keel.log();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 4s);
  auto [rc, owner] = db_->sql("SELECT COALESCE(owner, 'none') FROM job_leases WHERE name = 'test-sleep'");
  EXPECT_EQ(rc, 0);
  EXPECT_NE(owner.find("none"), std::string::npos) << owner;
}

TEST_F(Jobs, TwoInstancesNeverRunAtOnceAndTheSurvivorTakesOver) {
  TempDir dir;
  const std::string log_a = dir.path + "/a.log", log_b = dir.path + "/b.log";
  Env common{{"KEEL_JOB_TEST_SLEEP_EVERY", "1s"},
             {"KEEL_JOB_TEST_SLEEP_AT_START", "1"},
             {"KEEL_JOB_TEST_SLEEP_TIMEOUT", "3s"},
             {"KEEL_TEST_JOB_SLEEP_MS", "2000"}};  // longer than the interval: the holder's ticks skip
  Env ea = common, eb = common;
  ea["KEEL_INSTANCE"] = "a";
  ea["KEEL_TEST_JOB_LOG"] = log_a;
  eb["KEEL_INSTANCE"] = "b";
  eb["KEEL_TEST_JOB_LOG"] = log_b;
  auto a = std::make_unique<Keel>(env(ea));
  auto b = std::make_unique<Keel>(env(eb));
  std::this_thread::sleep_for(5s);

  // Kill -9 whichever holds the lease, while its run goes on.
  json ja = wait_job(a->port(), "test-sleep", [](const json& j) { return !j["holder"].is_null(); });
  ASSERT_FALSE(ja["holder"].is_null());
  const bool a_holds = ja["holder"] == "a";
  Keel& holder = a_holds ? *a : *b;
  Keel& survivor = a_holds ? *b : *a;
  const std::string survivor_log = a_holds ? log_b : log_a;
  const std::int64_t killed_at = now_ms();
  EXPECT_EQ(holder.stop(9), 128 + 9);
  std::this_thread::sleep_for(6s);
  const std::int64_t end = now_ms();
  survivor.stop(15);

  auto ra = runs_in(log_a, a_holds ? killed_at : end);
  auto rb = runs_in(log_b, a_holds ? end : killed_at);
  ASSERT_FALSE(ra.empty() && rb.empty());
  std::vector<std::pair<std::int64_t, std::int64_t>> all = ra;
  all.insert(all.end(), rb.begin(), rb.end());
  std::sort(all.begin(), all.end());
  for (std::size_t i = 1; i < all.size(); ++i)
    EXPECT_LE(all[i - 1].second, all[i].first) << "runs " << i - 1 << " and " << i << " overlap";
  // One run at a time across both (2 s each: 2 or 3 in the first 5 s), not one per instance.
  std::size_t before_kill = 0;
  for (auto& r : all) before_kill += r.first < killed_at;
  EXPECT_GE(before_kill, 2u);
  EXPECT_LE(before_kill, 4u);

  // The holder's last run was cut by the kill: its lease (3 s from its last
  // renewal) had to pass before the survivor ran again.
  const auto& holder_runs = a_holds ? ra : rb;
  ASSERT_FALSE(holder_runs.empty());
  const bool cut = holder_runs.back().second == killed_at;
  const std::int64_t holder_last_start = holder_runs.back().first;
  std::int64_t survivor_next = 0;
  for (auto& r : runs_in(survivor_log, end))
    if (r.first > killed_at) {
      survivor_next = r.first;
      break;
    }
  ASSERT_GT(survivor_next, 0) << "the survivor never ran after the kill";
  if (cut) {
    EXPECT_GE(survivor_next - holder_last_start, 2900) << "the survivor ran before the lease expired";
  }
  EXPECT_LT(survivor_next - killed_at, 5000) << "taken over once the lease passed";
}
