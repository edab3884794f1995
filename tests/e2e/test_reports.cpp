// The `report` job and its admin routes through the real keel against a real
// MariaDB: bookings seeded by SQL, a run started with POST /api/admin/reports,
// then the stored report checked against the bookings table (totals, rows,
// sha256), both codings of /content (equal after gunzip), 304, HEAD; the temp
// folder empty after every run, also one cancelled mid-way; KEEL_REPORT_KEEP;
// a body over the packet limit fails the run and stores nothing.
#include "e2e/support.hpp"
#include "support/gzip.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <thread>

using namespace e2e;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

const char* kAdminKey = "reports-admin-key";
using Headers = std::vector<std::pair<std::string, std::string>>;
std::pair<std::string, std::string> admin() { return {"X-API-Key", kAdminKey}; }

HttpResponse send(unsigned port, const std::string& method, const std::string& path, Headers h = {admin()}) {
  auto r = request(port, {method, path, h, ""});
  if (!r) throw std::runtime_error("no response to " + method + " " + path);
  return *r;
}

json report_job(unsigned port) {
  auto r = get(port, "/api/admin/jobs", {admin()});
  if (r.status != 200) throw std::runtime_error("GET /api/admin/jobs: " + r.body);
  const json all = r.json();  // named: a temporary's ["jobs"] would not outlive the loop
  for (const auto& j : all["jobs"])
    if (j["name"] == "report") return j;
  throw std::runtime_error("no report job");
}

// Starts a run and waits for its end; returns the job as it ended.
json run_report(unsigned port, std::chrono::seconds within = 30s) {
  auto started = send(port, "POST", "/api/admin/reports");
  if (started.status != 202) throw std::runtime_error("POST /api/admin/reports: " + started.body);
  const auto until = std::chrono::steady_clock::now() + within;
  json j = report_job(port);
  while (j["running"] == true && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(50ms);
    j = report_job(port);
  }
  return j;
}

using test_support::gunzip;

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

class Reports : public ::testing::Test {
 protected:
  void SetUp() override {
    if (test_db_url().empty()) GTEST_SKIP() << "KEEL_TEST_DB_URL is not set (run through scripts/test)";
    db_ = std::make_unique<TestDatabase>();
  }
  Env env(Env more = {}) {
    Env e{{"KEEL_DB_URL", db_->url}, {"KEEL_ADMIN_API_KEY", kAdminKey}};
    for (auto& [k, v] : more) e[k] = v;
    return e;
  }
  // (After keel started: it migrates the fresh database.) n bookings from 35 days back to 10 days ahead of now, a quarter of each
  // status, three services, one of them with markup in its name.
  void seed(int n, int first = 1) {
    const std::string sql =
        "INSERT INTO bookings (name, email, service, starts_at, ends_at, duration_minutes, status, "
        "manage_token_hash) SELECT CONCAT('Guest ', seq, ' ', LEFT(SHA2(seq, 256), 12)), CONCAT('g', seq, "
        "'@example.com'), ELT(1 + seq % 3, 'haircut', 'massage', '<b>&\"x\"</b>'), t, t + INTERVAL 30 MINUTE, 30, "
        "ELT(1 + seq % 4, 'pending', 'confirmed', 'completed', 'cancelled'), UNHEX(SHA2(CONCAT('tok', seq), 256)) "
        "FROM (SELECT seq, UTC_TIMESTAMP(0) - INTERVAL 35 DAY + INTERVAL (seq * 7919 % (45 * 1440)) MINUTE AS t "
        "FROM seq_" +
        std::to_string(first) + "_to_" + std::to_string(first + n - 1) + ") s";
    auto [rc, out] = db_->sql(sql);
    ASSERT_EQ(rc, 0) << out;
  }
  std::string scalar(const std::string& sql) {
    auto [rc, out] = db_->sql(sql);
    EXPECT_EQ(rc, 0) << out;
    return trim(out);  // -N -B: the value alone
  }
  std::unique_ptr<TestDatabase> db_;
};

}  // namespace

TEST_F(Reports, AReportMatchesTheBookingsInBothCodings) {
  Keel keel(env());
  seed(600);
  const unsigned port = keel.port();
  const std::string tmp = keel.data_dir() + "/tmp";

  EXPECT_EQ(send(port, "GET", "/api/admin/reports", {}).status, 401);
  auto empty = send(port, "GET", "/api/admin/reports");
  ASSERT_EQ(empty.status, 200) << empty.body;
  EXPECT_EQ(empty.json(), json::parse(R"({"reports":[],"total":0})"));

  json job = run_report(port);
  ASSERT_EQ(job["last_outcome"], "ok") << job.dump() << keel.log();
  EXPECT_EQ(count_files(tmp), 0u);

  auto list = send(port, "GET", "/api/admin/reports");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.json()["total"], 1) << list.body;
  const json rep = list.json()["reports"][0];
  const std::int64_t id = rep["id"];
  auto one = send(port, "GET", "/api/admin/reports/" + std::to_string(id));
  ASSERT_EQ(one.status, 200);
  EXPECT_EQ(one.json(), rep);
  EXPECT_EQ(send(port, "GET", "/api/admin/reports/" + std::to_string(id + 1000)).status, 404);

  // The period: the 30 days up to the run.
  const std::string in_period =
      "FROM bookings b JOIN reports r ON b.starts_at >= r.period_from AND b.starts_at < r.period_to WHERE r.id = " +
      std::to_string(id);
  EXPECT_EQ(scalar("SELECT TIMESTAMPDIFF(DAY, period_from, period_to) FROM reports WHERE id = " + std::to_string(id)),
            "30");
  const std::string total = scalar("SELECT COUNT(*) " + in_period);
  const std::string cancelled = scalar("SELECT COUNT(*) " + in_period + " AND b.status = 'cancelled'");
  ASSERT_NE(total, "0");
  ASSERT_NE(total, "600") << "some bookings lie outside the period";

  auto plain = send(port, "GET", "/api/admin/reports/" + std::to_string(id) + "/content");
  ASSERT_EQ(plain.status, 200);
  EXPECT_EQ(plain.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(plain.header("Content-Disposition"), "inline; filename=\"report-" + std::to_string(id) + ".html\"");
  EXPECT_EQ(plain.header("Vary"), "Accept-Encoding");
  EXPECT_FALSE(plain.header("Content-Encoding").has_value());
  EXPECT_EQ(plain.header("ETag"), "\"" + rep["sha256"].get<std::string>() + "\"");
  EXPECT_EQ(sha256_hex(plain.body), rep["sha256"]);
  EXPECT_EQ(plain.body.size(), rep["bytes"].get<std::size_t>());
  const std::string& html = plain.body;
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("id=\"total\">" + total + "</td>"), std::string::npos) << total;
  EXPECT_NE(html.find("id=\"cancelled\">" + cancelled + "</td>"), std::string::npos) << cancelled;
  const std::size_t table = html.find("id=\"bookings\"");
  ASSERT_NE(table, std::string::npos);
  EXPECT_EQ(std::to_string(count(html.substr(table), "<tr><td class=\"n\">")), total);
  EXPECT_NE(html.find("&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<b>&"), std::string::npos);
  EXPECT_EQ(count(html, "<rect class=\"bar\""), 30u);

  auto zipped = send(port, "GET", "/api/admin/reports/" + std::to_string(id) + "/content",
                     {admin(), {"Accept-Encoding", "gzip"}});
  ASSERT_EQ(zipped.status, 200);
  EXPECT_EQ(zipped.header("Content-Encoding"), "gzip");
  EXPECT_EQ(zipped.header("ETag"), "\"" + rep["sha256"].get<std::string>() + "-gzip\"");
  EXPECT_EQ(zipped.body.size(), rep["stored_bytes"].get<std::size_t>());
  EXPECT_EQ(gunzip(zipped.body), plain.body);

  for (const auto& [coding, etag] : {std::pair<std::string, std::string>{"identity", *plain.header("ETag")},
                                     {"gzip", *zipped.header("ETag")}}) {
    auto again = send(port, "GET", "/api/admin/reports/" + std::to_string(id) + "/content",
                      {admin(), {"Accept-Encoding", coding}, {"If-None-Match", etag}});
    EXPECT_EQ(again.status, 304) << coding;
    EXPECT_EQ(again.header("ETag"), etag);
    EXPECT_TRUE(again.body.empty());
  }
  // The other coding's ETag does not match.
  EXPECT_EQ(send(port, "GET", "/api/admin/reports/" + std::to_string(id) + "/content",
                 {admin(), {"If-None-Match", *zipped.header("ETag")}})
                .status,
            200);

  // HEAD: the headers of GET, no body.
  {
    Conn c(port);
    c.send(serialize({"HEAD", "/api/admin/reports/" + std::to_string(id) + "/content", {admin()}, ""}));
    auto head = c.read_response(true);
    ASSERT_TRUE(head);
    EXPECT_EQ(head->status, 200);
    EXPECT_EQ(head->header("ETag"), plain.header("ETag"));
    EXPECT_EQ(head->header("Content-Type"), "text/html; charset=utf-8");
    EXPECT_TRUE(head->body.empty());
  }

  // The next report starts where this one ended.
  job = run_report(port);
  ASSERT_EQ(job["last_outcome"], "ok") << job.dump();
  EXPECT_EQ(count_files(tmp), 0u);
  auto both = send(port, "GET", "/api/admin/reports?limit=1").json();
  EXPECT_EQ(both["total"], 2);
  ASSERT_EQ(both["reports"].size(), 1u);
  EXPECT_GT(both["reports"][0]["id"].get<std::int64_t>(), id) << "newest first";
  EXPECT_EQ(both["reports"][0]["period_from"], rep["period_to"]);
  EXPECT_EQ(send(port, "GET", "/api/admin/reports?offset=1").json()["reports"][0]["id"], id);
  EXPECT_EQ(send(port, "GET", "/api/admin/reports?limit=0").status, 422);
  EXPECT_EQ(send(port, "GET", "/api/admin/reports?limit=101").status, 422);

  EXPECT_EQ(send(port, "DELETE", "/api/admin/reports/" + std::to_string(id)).status, 204);
  EXPECT_EQ(send(port, "DELETE", "/api/admin/reports/" + std::to_string(id)).status, 404);
  EXPECT_EQ(send(port, "GET", "/api/admin/reports/" + std::to_string(id) + "/content").status, 404);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM report_bodies WHERE report_id = " + std::to_string(id)), "0");
}

TEST_F(Reports, OnlyTheNewestKeepAreKept) {
  Keel keel(env({{"KEEL_REPORT_KEEP", "2"}}));
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 3; ++i) {
    json job = run_report(keel.port());
    ASSERT_EQ(job["last_outcome"], "ok") << job.dump();
  }
  auto list = send(keel.port(), "GET", "/api/admin/reports").json();
  EXPECT_EQ(list["total"], 2);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM report_bodies"), "2");
  EXPECT_EQ(scalar("SELECT MIN(id) FROM reports"), "2");
}

TEST_F(Reports, ARunCancelledMidwayStoresNothingAndLeavesNoTempFile) {
  // 5 bookings a page with 150 ms between pages: longer than the 1 s timeout.
  Keel keel(env({{"KEEL_JOB_REPORT_TIMEOUT", "1s"},
                 {"KEEL_TEST_REPORT_PAGE_ROWS", "5"},
                 {"KEEL_TEST_REPORT_PAUSE_MS", "150"}}));
  seed(200);
  const std::string tmp = keel.data_dir() + "/tmp";
  ASSERT_EQ(send(keel.port(), "POST", "/api/admin/reports").status, 202);
  auto busy = send(keel.port(), "POST", "/api/admin/reports");
  EXPECT_EQ(busy.status, 409);
  EXPECT_EQ(busy.json()["detail"], "a report is being made");
  bool saw_temp = false;
  json j = report_job(keel.port());
  for (int i = 0; i < 200 && j["running"] == true; ++i) {
    saw_temp = saw_temp || count_files(tmp) > 0;
    std::this_thread::sleep_for(20ms);
    j = report_job(keel.port());
  }
  EXPECT_TRUE(saw_temp) << "the run was writing its temp file";
  EXPECT_EQ(j["last_outcome"], "timeout") << j.dump();
  EXPECT_EQ(count_files(tmp), 0u);
  EXPECT_EQ(send(keel.port(), "GET", "/api/admin/reports").json()["total"], 0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM report_bodies"), "0");
}

TEST_F(Reports, ABodyOverThePacketLimitFailsTheRunAndStoresNothing) {
  Keel keel(env({{"KEEL_TEST_REPORT_MAX_PACKET", "4096"}}));
  seed(300);
  json j = run_report(keel.port());
  EXPECT_EQ(j["last_outcome"], "failed") << j.dump();
  const std::string error = j["last_error"].is_string() ? j["last_error"].get<std::string>() : "";
  EXPECT_NE(error.find("max_allowed_packet (4096 bytes)"), std::string::npos) << error;
  EXPECT_EQ(count_files(keel.data_dir() + "/tmp"), 0u);
  EXPECT_EQ(send(keel.port(), "GET", "/api/admin/reports").json()["total"], 0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM reports"), "0");
}

TEST_F(Reports, AreAdminRoutes) {
  {
    Keel keel(Env{{"KEEL_DB_URL", db_->url}});
    auto r = send(keel.port(), "GET", "/api/admin/reports");
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(r.json()["detail"], "admin access not configured");
    EXPECT_EQ(send(keel.port(), "POST", "/api/admin/reports").status, 503);
  }
  Keel keel(env());
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/api/admin/reports"},
           {"POST", "/api/admin/reports"},
           {"GET", "/api/admin/reports/1"},
           {"GET", "/api/admin/reports/1/content"},
           {"DELETE", "/api/admin/reports/1"}}) {
    EXPECT_EQ(send(keel.port(), method, path, {}).status, 401) << method << " " << path;
    EXPECT_EQ(send(keel.port(), method, path, {{"X-API-Key", "wrong"}}).status, 403) << method << " " << path;
  }
  EXPECT_EQ(send(keel.port(), "GET", "/api/admin/reports/1/content").status, 404);
}
