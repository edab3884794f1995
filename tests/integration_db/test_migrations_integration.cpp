// keel::db migrations against a real MariaDB, and the shipped schema.
#include "db_test_support.hpp"
#include "services/crypto/sha256.hpp"
#include "services/db/errors.hpp"
#include "services/db/migration_plan.hpp"
#include "services/db/migrations.hpp"
#include "services/db/pool.hpp"

#include <cppconn/exception.h>

#include <future>

using namespace keel::db;
using namespace keel::db::test;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> names(const std::vector<EmbeddedMigration>& ms) {
  std::vector<std::string> out;
  for (const auto& m : ms) out.emplace_back(m.name);
  return out;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const MigrationError& e) { return e.what(); }
  return "";
}

}  // namespace

using MigrationsTest = DbTest;

TEST_F(MigrationsTest, ApplyTwiceIsApplyOnce) {
  auto c = connect(url_);
  ASSERT_GE(embedded_migrations().size(), 2u);
  EXPECT_EQ(pending(*c), names(embedded_migrations()));
  EXPECT_EQ(apply_pending(*c), names(embedded_migrations()));
  EXPECT_TRUE(pending(*c).empty());
  EXPECT_TRUE(apply_pending(*c).empty());

  EXPECT_EQ(query_int(*c, "SELECT COUNT(*) FROM schema_migrations"), std::int64_t(embedded_migrations().size()));
  for (const auto& m : embedded_migrations()) {
    EXPECT_EQ(query_string(*c, "SELECT checksum FROM schema_migrations WHERE version = '" + std::string(m.name) + "'"),
              keel::sha256_hex(m.sql));
  }
  for (const char* table : {"bookings", "booking_service_locks", "uploads", "schema_migrations"}) {
    EXPECT_EQ(query_int(*c, std::string("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
                                        "DATABASE() AND TABLE_NAME = '") +
                                table + "'"),
              1)
        << table;
  }
  EXPECT_EQ(query_int(*c, "SELECT IS_USED_LOCK(LEFT(CONCAT('keel_migrations:', DATABASE()), 64)) IS NULL"), 1)
      << "lock not released";
}

TEST_F(MigrationsTest, ThroughThePool) {
  keel::BlockingPool blocking(2);
  PoolConfig config;
  config.url = url_;
  config.pool_size = 1;
  config.max_overflow = 0;
  Pool pool(config, blocking);
  std::vector<std::string> first, second;
  run_io([&]() -> boost::asio::awaitable<void> {
    first = co_await pool.run([](sql::Connection& c) { return apply_pending(c); });
    second = co_await pool.run([](sql::Connection& c) { return apply_pending(c); });
  });
  EXPECT_EQ(first, names(embedded_migrations()));
  EXPECT_TRUE(second.empty());
}

TEST_F(MigrationsTest, ChangedAppliedMigrationIsAnError) {
  auto c = connect(url_);
  std::vector<EmbeddedMigration> v1 = {{"0001_init.sql", "CREATE TABLE a (x INT);\n"}};
  EXPECT_EQ(apply_pending(*c, v1).size(), 1u);
  std::vector<EmbeddedMigration> v2 = {{"0001_init.sql", "CREATE TABLE a (x BIGINT);\n"}};
  EXPECT_EQ(error_of([&] { apply_pending(*c, v2); }), "migration 0001_init.sql was changed after it was applied");
  EXPECT_EQ(error_of([&] { pending(*c, v2); }), "migration 0001_init.sql was changed after it was applied");
  // Nothing ran.
  EXPECT_EQ(query_string(*c,
                         "SELECT DATA_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
                         "AND TABLE_NAME = 'a' AND COLUMN_NAME = 'x'"),
            "int");
}

TEST_F(MigrationsTest, RecordedButMissingMigrationIsAnError) {
  auto c = connect(url_);
  std::vector<EmbeddedMigration> v1 = {{"0001_a.sql", "CREATE TABLE a (x INT);"},
                                       {"0002_b.sql", "CREATE TABLE b (x INT);"}};
  apply_pending(*c, v1);
  std::vector<EmbeddedMigration> v2 = {{"0001_a.sql", "CREATE TABLE a (x INT);"}};
  EXPECT_NE(error_of([&] { apply_pending(*c, v2); }).find("0002_b.sql is recorded"), std::string::npos);
}

TEST_F(MigrationsTest, FailedMigrationIsNotRecordedAndNamesTheStatement) {
  auto c = connect(url_);
  std::vector<EmbeddedMigration> bad = {
      {"0001_a.sql", "CREATE TABLE IF NOT EXISTS a (x INT);\nCREATE TABLE b (x INT, FOO);\n"}};
  const std::string msg = error_of([&] { apply_pending(*c, bad); });
  EXPECT_NE(msg.find("migration 0001_a.sql failed at statement 2 of 2"), std::string::npos) << msg;
  EXPECT_EQ(query_int(*c, "SELECT COUNT(*) FROM schema_migrations"), 0);
  // DDL auto-commits: the first table exists; the fixed file (idempotent) passes.
  EXPECT_EQ(query_int(*c,
                      "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND "
                      "TABLE_NAME = 'a'"),
            1);
  std::vector<EmbeddedMigration> fixed = {
      {"0001_a.sql", "CREATE TABLE IF NOT EXISTS a (x INT);\nCREATE TABLE b (x INT);\n"}};
  EXPECT_EQ(apply_pending(*c, fixed).size(), 1u);
}

TEST_F(MigrationsTest, SecondMigratorWaitsForTheLock) {
  auto holder = connect(url_);
  EXPECT_EQ(query_int(*holder, "SELECT GET_LOCK(LEFT(CONCAT('keel_migrations:', DATABASE()), 64), 0)"), 1);
  auto c = connect(url_);
  const auto t0 = std::chrono::steady_clock::now();
  const std::string msg = error_of([&] { apply_pending(*c, embedded_migrations(), 1); });
  EXPECT_NE(msg.find("another process is applying migrations"), std::string::npos) << msg;
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 900ms);

  // Released while the second one waits: it proceeds.
  auto later = std::async(std::launch::async, [&] {
    std::this_thread::sleep_for(300ms);
    query_int(*holder, "SELECT RELEASE_LOCK(LEFT(CONCAT('keel_migrations:', DATABASE()), 64))");
  });
  EXPECT_EQ(apply_pending(*c, embedded_migrations(), 10).size(), embedded_migrations().size());
  later.get();
}

// The cluster-wide lock (a Galera cluster gives every node its own GET_LOCK):
// a row held by another migrator is waited for; one whose holder died lapses.
TEST_F(MigrationsTest, TheLockRowIsWaitedForAndLapses) {
  auto c = connect(url_);
  apply_pending(*c, {{"0001_a.sql", "CREATE TABLE a (x INT);"}});
  exec(*c, "UPDATE schema_migrations_lock SET owner = 'other-node', until = NOW(3) + INTERVAL 60 SECOND WHERE id = 1");
  const std::string msg = error_of(
      [&] { apply_pending(*c, {{"0001_a.sql", "CREATE TABLE a (x INT);"}, {"0002_b.sql", "CREATE TABLE b (x INT);"}}, 1); });
  EXPECT_NE(msg.find("another process is applying migrations"), std::string::npos) << msg;
  EXPECT_EQ(query_string(*c, "SELECT owner FROM schema_migrations_lock WHERE id = 1"), "other-node");

  exec(*c, "UPDATE schema_migrations_lock SET until = NOW(3) - INTERVAL 1 SECOND WHERE id = 1");  // it died
  EXPECT_EQ(apply_pending(*c, {{"0001_a.sql", "CREATE TABLE a (x INT);"}, {"0002_b.sql", "CREATE TABLE b (x INT);"}}),
            std::vector<std::string>{"0002_b.sql"});
  EXPECT_EQ(query_int(*c, "SELECT COUNT(*) FROM schema_migrations_lock WHERE owner IS NULL"), 1) << "released";
}

// Instances starting on a current schema do not queue behind a migrator (or
// each other): with nothing pending no lock is taken.
TEST_F(MigrationsTest, ACurrentSchemaNeedsNoLock) {
  auto c = connect(url_);
  const std::vector<EmbeddedMigration> v = {{"0001_a.sql", "CREATE TABLE a (x INT);"}};
  apply_pending(*c, v);
  auto holder = connect(url_);
  EXPECT_EQ(query_int(*holder, "SELECT GET_LOCK(LEFT(CONCAT('keel_migrations:', DATABASE()), 64), 0)"), 1);
  exec(*holder, "UPDATE schema_migrations_lock SET owner = 'other-node', until = NOW(3) + INTERVAL 60 SECOND");
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(apply_pending(*c, v, 1).empty());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 500ms);
  const std::string msg = error_of([&] { apply_pending(*c, {v[0], {"0002_b.sql", "CREATE TABLE b (x INT);"}}, 1); });
  EXPECT_NE(msg.find("another process is applying migrations"), std::string::npos) << "pending work waits: " << msg;
}

TEST_F(MigrationsTest, ConcurrentMigratorsApplyEachMigrationOnce) {
  auto a = connect(url_);
  auto b = connect(url_);
  auto fa = std::async(std::launch::async, [&] { return apply_pending(*a); });
  auto fb = std::async(std::launch::async, [&] { return apply_pending(*b); });
  const auto ra = fa.get();
  const auto rb = fb.get();
  EXPECT_EQ(ra.size() + rb.size(), embedded_migrations().size());
  EXPECT_TRUE(ra.empty() || rb.empty());
}

TEST_F(MigrationsTest, SchemaEnforcesItsRules) {
  auto c = connect(url_);
  apply_pending(*c);
  const std::string hash = "UNHEX(SHA2('token-1', 256))";
  exec(*c,
       "INSERT INTO bookings (name, email, service, starts_at, ends_at, duration_minutes, manage_token_hash) "
       "VALUES ('Zoë', 'z@example.com', 'massage', '2030-01-02 10:00:00', '2030-01-02 11:00:00', 60, " +
           hash + ")");
  EXPECT_EQ(query_string(*c, "SELECT status FROM bookings"), "pending");
  EXPECT_EQ(query_string(*c, "SELECT name FROM bookings"), "Zoë");
  // The same token hash twice.
  try {
    exec(*c,
         "INSERT INTO bookings (name, email, service, starts_at, ends_at, duration_minutes, manage_token_hash) "
         "VALUES ('B', 'b@example.com', 'massage', '2030-01-03 10:00:00', '2030-01-03 11:00:00', 60, " +
             hash + ")");
    ADD_FAILURE() << "duplicate token hash accepted";
  } catch (const sql::SQLException& e) { EXPECT_EQ(e.getErrorCode(), 1062); }
  // ends_at must be starts_at + duration.
  try {
    exec(*c,
         "INSERT INTO bookings (name, email, service, starts_at, ends_at, duration_minutes, manage_token_hash) "
         "VALUES ('C', 'c@example.com', 'massage', '2030-01-04 10:00:00', '2030-01-04 10:30:00', 60, "
         "UNHEX(SHA2('token-2', 256)))");
    ADD_FAILURE() << "inconsistent ends_at accepted";
  } catch (const sql::SQLException& e) {
    EXPECT_EQ(e.getErrorCode(), 4025);  // CHECK constraint failed
  }
  // Notes are capped at 2000 characters.
  try {
    exec(*c,
         "INSERT INTO bookings (name, email, service, starts_at, ends_at, duration_minutes, manage_token_hash, notes) "
         "VALUES ('D', 'd@example.com', 'massage', '2030-01-05 10:00:00', '2030-01-05 11:00:00', 60, "
         "UNHEX(SHA2('token-3', 256)), REPEAT('é', 2001))");
    ADD_FAILURE() << "long notes accepted";
  } catch (const sql::SQLException& e) { EXPECT_EQ(e.getErrorCode(), 4025); }
  // Uploads: case-sensitive ids, FK ON DELETE SET NULL.
  const auto booking = query_int(*c, "SELECT id FROM bookings");
  exec(*c,
       "INSERT INTO uploads (id, booking_id, filename, content_type, size, sha256, storage_path, metadata) VALUES "
       "('AbC_-123456789012345678', " +
           std::to_string(booking) + ", 'a.pdf', 'application/pdf', 10, REPEAT('0', 64), 'ab/abc', '{\"k\": 1}')");
  exec(*c,
       "INSERT INTO uploads (id, filename, content_type, size, sha256, storage_path) VALUES "
       "('abc_-123456789012345678', 'b.pdf', 'application/pdf', 10, REPEAT('0', 64), 'ab/abd')");
  EXPECT_EQ(query_int(*c, "SELECT COUNT(*) FROM uploads WHERE id = 'abc_-123456789012345678'"), 1);
  exec(*c, "DELETE FROM bookings");
  EXPECT_EQ(query_int(*c, "SELECT COUNT(*) FROM uploads WHERE booking_id IS NULL"), 2);
  // The lock-row pattern of a create.
  exec(*c, "INSERT IGNORE INTO booking_service_locks (service) VALUES ('massage')");
  exec(*c, "INSERT IGNORE INTO booking_service_locks (service) VALUES ('massage')");
  c->setAutoCommit(false);
  EXPECT_EQ(query_string(*c, "SELECT service FROM booking_service_locks WHERE service = 'massage' FOR UPDATE"),
            "massage");
  commit(*c);
  c->setAutoCommit(true);
}
