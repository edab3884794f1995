// The pool, migrations and database failures, against real MariaDB servers.
#include "e2e/support.hpp"

#include <gtest/gtest.h>

#include <future>
#include <thread>

using namespace e2e;
using nlohmann::json;
using namespace std::chrono;

namespace {

// A private MariaDB (for tests that stop, restart or wait for the server),
// run through scripts/dev-db in its own folder on its own port.
class PrivateMariaDb {
 public:
  PrivateMariaDb() : port_(std::to_string(free_port_outside_ephemeral())) {}
  ~PrivateMariaDb() { ctl("stop"); }
  int ctl(const std::string& verb) {
    auto [rc, out] = sh("KEEL_DEV_DB_DIR=" + dir_.path + " KEEL_DEV_DB_PORT=" + port_ + " " + KEEL_SOURCE_DIR +
                        "/scripts/dev-db " + verb + " 2>&1");
    if (rc != 0) std::fprintf(stderr, "dev-db %s failed (%d):\n%s\n", verb.c_str(), rc, out.c_str());
    return rc;
  }
  std::string url() const { return "mysql://keel:keel@127.0.0.1:" + port_ + "/keel"; }

 private:
  TempDir dir_;
  std::string port_;
};

bool wait_for_status(unsigned port, const std::string& path, int status, double seconds) {
  auto deadline = steady_clock::now() + duration<double>(seconds);
  while (steady_clock::now() < deadline) {
    auto r = request(port, {"GET", path, {{"X-API-Key", "k"}}, ""});
    if (r && r->status == status) return true;
    std::this_thread::sleep_for(milliseconds(200));
  }
  return false;
}

json booking(const std::string& service, const std::string& start) {
  return {{"name", "Ann"}, {"email", "ann@example.com"}, {"service", service}, {"starts_at", start},
          {"duration_minutes", 30}};
}

// A booking of a new catalogue entry (so slots never collide) in the
// database at `db_url`, whose schema keel has migrated.
int create(unsigned port, const std::string& db_url, const std::string& start) {
  const std::string service = "pool-" + random_hex(3);
  open_service(db_url, service);
  auto r =
      request(port, {"POST", "/api/bookings", {{"Content-Type", "application/json"}}, booking(service, start).dump()});
  return r ? r->status : 0;
}

}  // namespace

TEST(Database, PoolKeepsTwoOpensTwoMoreAndTimesOutTheFifth) {
  TestDatabase db;
  Keel k(Env{{"KEEL_DB_URL", db.url}, {"KEEL_AUTO_MIGRATE", "1"}, {"KEEL_DB_POOL_TIMEOUT_S", "0.3"}});
  std::vector<std::future<std::optional<HttpResponse>>> holders;
  for (int i = 0; i < 4; ++i)
    holders.push_back(std::async(std::launch::async, [&] {
      return request(k.port(), {"GET", "/api/_test/db_sleep?ms=1500", {}, ""});
    }));
  std::this_thread::sleep_for(milliseconds(500));
  auto during = get(k.port(), "/api/health/memory").json()["db_pool"];
  EXPECT_EQ(during["checked_out"], 4);
  EXPECT_EQ(during["overflow_in_use"], 2);
  auto t0 = steady_clock::now();
  auto fifth = request(k.port(), {"GET", "/api/_test/db_sleep?ms=0", {}, ""});
  auto waited = duration_cast<milliseconds>(steady_clock::now() - t0).count();
  ASSERT_TRUE(fifth);
  EXPECT_EQ(fifth->status, 503);
  EXPECT_EQ(fifth->json(), json({{"detail", "database busy"}}));
  EXPECT_GE(waited, 250);
  EXPECT_LT(waited, 1400);
  std::set<long long> ids;
  for (auto& h : holders) {
    auto r = h.get();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    ids.insert(r->json()["connection_id"].get<long long>());
  }
  EXPECT_EQ(ids.size(), 4u);
  // Overflow connections are closed on return: two stay open.
  std::this_thread::sleep_for(milliseconds(200));
  auto after = get(k.port(), "/api/health/memory").json()["db_pool"];
  EXPECT_EQ(after["checked_out"], 0);
  EXPECT_EQ(after["overflow_in_use"], 0);
  EXPECT_GE(after["timeouts_total"].get<int>(), 1);
  auto [rc, out] =
      db.sql("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND ID <> CONNECTION_ID()");
  EXPECT_EQ(out, "2\n");
}

// Connections killed while idle: with the pre-ping on every checkout they are
// reconnected before use; within the alive-bypass window (the default,
// 500 ms) the first statement meets the dead connection and reads and
// transactions run again on a fresh one. Either way no request fails.
TEST(Database, KilledConnectionIsReplacedBeforeTheNextRequest) {
  for (const char* bypass_ms : {"0", "500"}) {
    SCOPED_TRACE(std::string("KEEL_DB_POOL_ALIVE_BYPASS_MS=") + bypass_ms);
    TestDatabase db;
    Keel k(Env{{"KEEL_DB_URL", db.url}, {"KEEL_AUTO_MIGRATE", "1"}, {"KEEL_DB_POOL_ALIVE_BYPASS_MS", bypass_ms}});
    ASSERT_EQ(create(k.port(), db.url, "2032-02-01T10:00:00Z"), 201);
    auto [rc, ids] = db.sql(
        "SELECT GROUP_CONCAT(ID) FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND ID <> CONNECTION_ID()");
    ASSERT_EQ(rc, 0);
    std::string list = ids.substr(0, ids.find('\n'));
    ASSERT_FALSE(list.empty());
    std::stringstream ss(list);
    std::string id;
    while (std::getline(ss, id, ',')) db.sql("KILL CONNECTION " + id);
    for (int i = 0; i < 5; ++i)
      EXPECT_EQ(create(k.port(), db.url, "2032-02-0" + std::to_string(i + 2) + "T10:00:00Z"), 201) << i;
    auto [rc2, after] = db.sql(
        "SELECT GROUP_CONCAT(ID) FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND ID <> CONNECTION_ID()");
    std::stringstream killed(list);
    while (std::getline(killed, id, ',')) {
      EXPECT_EQ(("," + after.substr(0, after.find('\n')) + ",").find("," + id + ","), std::string::npos)
          << "killed connection " << id << " still listed";
    }
    if (std::string(bypass_ms) == "0") {
      EXPECT_GE(get(k.port(), "/api/health/memory").json()["db_pool"]["reconnects_total"].get<int>(), 1);
    }
  }
}

// A connection that dies under a statement (here: killed while it sleeps)
// is the database being unavailable, not a bug: 503, and the pool
// discards the dead connection so the next request is served.
TEST(Database, ConnectionKilledMidStatementIs503NotA500) {
  TestDatabase db;
  Keel k(Env{{"KEEL_DB_URL", db.url}, {"KEEL_AUTO_MIGRATE", "1"}});
  auto slow = std::async(std::launch::async, [port = k.port()] {
    return request(port, {"GET", "/api/_test/db_sleep?ms=10000", {}, ""});
  });
  std::string id;
  for (int i = 0; i < 50 && id.empty(); ++i) {
    std::this_thread::sleep_for(milliseconds(100));
    auto [rc, out] = db.sql(
        "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT CONNECTION_ID(), SLEEP(%' "
        "AND DB = DATABASE() AND ID <> CONNECTION_ID()");
    if (rc == 0) id = out.substr(0, out.find('\n'));
  }
  ASSERT_FALSE(id.empty()) << "the sleeping statement never showed up";
  db.sql("KILL CONNECTION " + id);
  auto r = slow.get();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503) << r->body;
  EXPECT_EQ(r->json(), json({{"detail", "database unavailable"}}));
  EXPECT_EQ(r->header("Retry-After").value_or(""), "1");
  EXPECT_EQ(create(k.port(), db.url, "2032-02-15T10:00:00Z"), 201);
}

TEST(Database, ServerRestartMidRunCausesNo500) {
  PrivateMariaDb maria;
  ASSERT_EQ(maria.ctl("start"), 0);
  Keel k(Env{{"KEEL_DB_URL", maria.url()}, {"KEEL_AUTO_MIGRATE", "1"}});
  ASSERT_EQ(create(k.port(), maria.url(), "2032-03-01T10:00:00Z"), 201);
  ASSERT_EQ(get(k.port(), "/api/health").status, 200);
  ASSERT_EQ(maria.ctl("stop"), 0);
  ASSERT_EQ(maria.ctl("start"), 0);
  // The very next requests succeed: pre-ping notices and reconnects.
  for (int i = 0; i < 6; ++i) {
    int s = create(k.port(), maria.url(), "2032-03-0" + std::to_string(i + 2) + "T10:00:00Z");
    EXPECT_EQ(s, 201) << "request " << i;
  }
  EXPECT_EQ(get(k.port(), "/api/health").status, 200);
}

TEST(Database, StartsDegradedWhenDownAndRecoversWhenItComesUp) {
  PrivateMariaDb maria;  // not started yet
  Keel k(Env{{"KEEL_DB_URL", maria.url()}, {"KEEL_AUTO_MIGRATE", "1"}, {"KEEL_ADMIN_API_KEY", "k"}});
  auto h = get(k.port(), "/api/health");
  EXPECT_EQ(h.status, 503);
  EXPECT_EQ(h.json()["status"], "degraded");
  EXPECT_EQ(h.json()["db"], "down");
  auto c = request(
      k.port(),
      {"POST", "/api/bookings", {{"Content-Type", "application/json"}}, booking("pool", "2032-04-01T10:00:00Z").dump()});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->status, 503);
  EXPECT_EQ(c->json(), json({{"detail", "database schema not current"}}));
  ASSERT_EQ(maria.ctl("start"), 0);
  EXPECT_TRUE(wait_for_status(k.port(), "/api/health", 200, 20)) << k.log();
  EXPECT_EQ(create(k.port(), maria.url(), "2032-04-01T10:00:00Z"), 201);
  EXPECT_TRUE(wait_for_status(k.port(), "/api/admin/bookings", 200, 5));
}

TEST(Database, ServeRefusesPendingMigrationsWithoutAutoMigrate) {
  TestDatabase db;
  auto [code, out] = Keel::run({"serve"}, {{"KEEL_DB_URL", db.url}, {"KEEL_PORT", "0"}}, 30);
  EXPECT_EQ(code, 2);
  EXPECT_NE(out.find("pending migration"), std::string::npos) << out;
  EXPECT_NE(out.find("keel migrate"), std::string::npos) << out;
}

TEST(Database, MigrateTwiceIsOnceAndThenServeStarts) {
  TestDatabase db;
  auto [c1, o1] = Keel::run({"migrate"}, {{"KEEL_DB_URL", db.url}});
  ASSERT_EQ(c1, 0) << o1;
  EXPECT_NE(o1.find("0001_bookings.sql"), std::string::npos) << o1;
  auto [n1, rows1] = db.sql("SELECT COUNT(*) FROM schema_migrations");
  auto [c2, o2] = Keel::run({"migrate"}, {{"KEEL_DB_URL", db.url}});
  ASSERT_EQ(c2, 0) << o2;
  EXPECT_NE(o2.find("nothing to apply"), std::string::npos) << o2;
  auto [n2, rows2] = db.sql("SELECT COUNT(*) FROM schema_migrations");
  EXPECT_EQ(rows1, rows2);
  EXPECT_NE(rows1, "0\n");
  Keel k(Env{{"KEEL_DB_URL", db.url}});
  EXPECT_EQ(get(k.port(), "/api/health").json()["db"], "ok");
}

TEST(Database, ChangedAppliedMigrationIsAnError) {
  TestDatabase db;
  ASSERT_EQ(Keel::run({"migrate"}, {{"KEEL_DB_URL", db.url}}).first, 0);
  db.sql("UPDATE schema_migrations SET checksum = REPEAT('0', 64) WHERE version = '0001_bookings.sql'");
  auto [code, out] = Keel::run({"migrate"}, {{"KEEL_DB_URL", db.url}});
  EXPECT_NE(code, 0);
  EXPECT_NE(out.find("0001_bookings.sql"), std::string::npos) << out;
  auto [scode, sout] = Keel::run({"serve"}, {{"KEEL_DB_URL", db.url}, {"KEEL_PORT", "0"}});
  EXPECT_EQ(scode, 2) << sout;
}
