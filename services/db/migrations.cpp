#include "services/db/migrations.hpp"

#include "http/random_id.hpp"
#include "services/crypto/sha256.hpp"
#include "services/db/connection.hpp"
#include "services/db/errors.hpp"
#include "services/db/migration_plan.hpp"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <chrono>
#include <map>
#include <memory>
#include <thread>

namespace keel::db {
namespace {

constexpr const char* kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version VARCHAR(255) NOT NULL PRIMARY KEY,"
    " checksum CHAR(64) NOT NULL,"
    " applied_at DATETIME(3) NOT NULL"
    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci";

// Per database, so test databases on one server do not queue behind each other.
constexpr const char* kLockName = "LEFT(CONCAT('keel_migrations:', DATABASE()), 64)";

std::string current_database(sql::Connection& conn) {
  std::unique_ptr<sql::Statement> st(conn.createStatement());
  std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SELECT DATABASE()"));
  if (!rs->next() || rs->isNull(1)) throw MigrationError("migrations need a connection with a database selected");
  return rs->getString(1);
}

bool table_exists(sql::Connection& conn) {
  std::unique_ptr<sql::Statement> st(conn.createStatement());
  std::unique_ptr<sql::ResultSet> rs(
      st->executeQuery("SELECT COUNT(*) FROM information_schema.TABLES "
                       "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'schema_migrations'"));
  return rs->next() && rs->getInt(1) > 0;
}

std::map<std::string, std::string> read_applied(sql::Connection& conn) {
  std::map<std::string, std::string> applied;
  std::unique_ptr<sql::Statement> st(conn.createStatement());
  std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SELECT version, checksum FROM schema_migrations"));
  while (rs->next()) applied.emplace(rs->getString(1), rs->getString(2));
  return applied;
}

// GET_LOCK for the lifetime of the object; released on every path.
class MigrationLock {
 public:
  MigrationLock(sql::Connection& conn, int timeout_s) : conn_(conn) {
    std::unique_ptr<sql::Statement> st(conn_.createStatement());
    std::unique_ptr<sql::ResultSet> rs(
        st->executeQuery(std::string("SELECT GET_LOCK(") + kLockName + ", " + std::to_string(timeout_s) + ")"));
    if (!rs->next() || rs->isNull(1) || rs->getInt(1) != 1)
      throw MigrationError("another process is applying migrations (lock not taken within " +
                           std::to_string(timeout_s) + " s)");
  }
  ~MigrationLock() {
    try {
      std::unique_ptr<sql::Statement> st(conn_.createStatement());
      std::unique_ptr<sql::ResultSet> rs(st->executeQuery(std::string("SELECT RELEASE_LOCK(") + kLockName + ")"));
    } catch (...) {
      // A lost connection releases the lock on the server anyway.
    }
  }
  MigrationLock(const MigrationLock&) = delete;
  MigrationLock& operator=(const MigrationLock&) = delete;

 private:
  sql::Connection& conn_;
};

// GET_LOCK holds on one server only: on a Galera cluster two instances on two
// nodes would both get it. This row is the cluster-wide lock: taken by one
// conditional UPDATE (two nodes taking it at once: the later commit fails
// certification and counts as not taken), held for kHold and renewed after
// every migration, so a killed migrator's lock lapses.
class ClusterMigrationLock {
 public:
  static constexpr int kHoldSeconds = 120;

  ClusterMigrationLock(sql::Connection& conn, int timeout_s) : conn_(conn), owner_(random_id()) {
    {
      std::unique_ptr<sql::Statement> st(conn_.createStatement());
      st->execute(
          "CREATE TABLE IF NOT EXISTS schema_migrations_lock ("
          " id TINYINT UNSIGNED NOT NULL PRIMARY KEY, owner VARCHAR(32) NULL, until DATETIME(3) NULL"
          ") ENGINE=InnoDB");
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    while (!try_take()) {
      if (std::chrono::steady_clock::now() >= deadline)
        throw MigrationError("another process is applying migrations (lock not taken within " +
                             std::to_string(timeout_s) + " s)");
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  }
  ~ClusterMigrationLock() {
    // A release that loses certification to another node's attempt to take
    // the lock is tried again: left held, the lock would lapse only after
    // kHoldSeconds, and instances starting meanwhile would give up.
    for (int attempt = 0; attempt < 5; ++attempt) {
      try {
        std::unique_ptr<sql::PreparedStatement> ps(conn_.prepareStatement(
            "UPDATE schema_migrations_lock SET owner = NULL, until = NULL WHERE id = 1 AND owner = ?"));
        ps->setString(1, owner_);
        ps->executeUpdate();
        return;
      } catch (const sql::SQLException& e) {
        if (!is_conflict(e.getErrorCode())) return;  // it lapses after kHoldSeconds
      } catch (...) {
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ClusterMigrationLock(const ClusterMigrationLock&) = delete;
  ClusterMigrationLock& operator=(const ClusterMigrationLock&) = delete;

  void renew() {
    std::unique_ptr<sql::PreparedStatement> ps(conn_.prepareStatement(
        "UPDATE schema_migrations_lock SET until = NOW(3) + INTERVAL " + std::to_string(kHoldSeconds) +
        " SECOND WHERE id = 1 AND owner = ?"));
    ps->setString(1, owner_);
    if (ps->executeUpdate() != 1) throw MigrationError("the migration lock was lost (held too long)");
  }

 private:
  bool try_take() {
    try {
      std::unique_ptr<sql::Statement> st(conn_.createStatement());
      st->execute("INSERT IGNORE INTO schema_migrations_lock (id) VALUES (1)");
      std::unique_ptr<sql::PreparedStatement> ps(conn_.prepareStatement(
          "UPDATE schema_migrations_lock SET owner = ?, until = NOW(3) + INTERVAL " + std::to_string(kHoldSeconds) +
          " SECOND WHERE id = 1 AND (owner IS NULL OR until <= NOW(3))"));
      ps->setString(1, owner_);
      return ps->executeUpdate() == 1;
    } catch (const sql::SQLException& e) {
      if (is_conflict(e.getErrorCode())) return false;
      throw;
    }
  }

  sql::Connection& conn_;
  std::string owner_;
};

std::string first_line(const std::string& s) {
  std::string line = s.substr(0, s.find('\n'));
  if (line.size() > 80) line = line.substr(0, 77) + "...";
  return line;
}

}  // namespace

std::vector<std::string> pending(sql::Connection& conn, const std::vector<EmbeddedMigration>& migrations) {
  current_database(conn);
  std::map<std::string, std::string> applied;
  if (table_exists(conn)) applied = read_applied(conn);
  return plan_migrations(applied, migrations);
}

std::vector<std::string> apply_pending(sql::Connection& conn, const std::vector<EmbeddedMigration>& migrations,
                                       int lock_timeout_s) {
  current_database(conn);
  // The common case, an instance starting on a current schema, takes no
  // lock: instances started together (a rolling restart, a cluster coming
  // up) do not queue behind each other. What is pending is planned again
  // under the locks.
  if (table_exists(conn) && plan_migrations(read_applied(conn), migrations).empty()) return {};
  MigrationLock lock(conn, lock_timeout_s);
  ClusterMigrationLock cluster_lock(conn, lock_timeout_s);
  {
    std::unique_ptr<sql::Statement> st(conn.createStatement());
    st->execute(kCreateTable);
  }
  const auto to_apply = plan_migrations(read_applied(conn), migrations);
  std::vector<std::string> done;
  for (const auto& name : to_apply) {
    const EmbeddedMigration* m = nullptr;
    for (const auto& candidate : migrations)
      if (candidate.name == name) m = &candidate;
    const auto statements = split_statements(m->sql);
    for (std::size_t i = 0; i < statements.size(); ++i) {
      try {
        std::unique_ptr<sql::Statement> st(conn.createStatement());
        st->execute(statements[i]);
      } catch (const sql::SQLException& e) {
        std::string msg = "migration " + name + " failed at statement " + std::to_string(i + 1) + " of " +
                          std::to_string(statements.size()) + " (" + first_line(statements[i]) + "): " + e.what() +
                          " (error " + std::to_string(e.getErrorCode()) + ")";
        if (i > 0) msg += "; its earlier statements stay applied (MariaDB commits DDL implicitly)";
        throw MigrationError(msg);
      }
    }
    std::unique_ptr<sql::PreparedStatement> ins(conn.prepareStatement(
        "INSERT INTO schema_migrations (version, checksum, applied_at) VALUES (?, ?, UTC_TIMESTAMP(3))"));
    ins->setString(1, name);
    ins->setString(2, sha256_hex(m->sql));
    ins->executeUpdate();
    if (!conn.getAutoCommit()) commit(conn);
    done.push_back(name);
    cluster_lock.renew();
  }
  return done;
}

std::vector<std::string> pending(sql::Connection& conn) { return pending(conn, embedded_migrations()); }

std::vector<std::string> apply_pending(sql::Connection& conn) { return apply_pending(conn, embedded_migrations()); }

}  // namespace keel::db
