#include "services/db/connection.hpp"

#include "services/crypto/openssl_init.hpp"

#include "services/db/errors.hpp"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

#include <atomic>
#include <string>

namespace keel::db {
namespace {

std::atomic<sql::Driver*> g_driver{nullptr};

sql::Driver& driver() {
  sql::Driver* d = g_driver.load(std::memory_order_acquire);
  if (d == nullptr) {
    init_driver();  // late and possibly racy: main() should have called it
    d = g_driver.load(std::memory_order_acquire);
  }
  return *d;
}

}  // namespace

void init_driver() {
  if (g_driver.load(std::memory_order_acquire) != nullptr) return;
  // Before the MariaDB client initialises libssl its own way.
  init_openssl_quietly();
  g_driver.store(sql::mysql::get_mysql_driver_instance(), std::memory_order_release);
}

std::int64_t prepare_session(sql::Connection& conn) {
  std::unique_ptr<sql::Statement> st(conn.createStatement());
  st->execute("SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci, time_zone = '+00:00'");
  // One round trip: the start time, and whether this is a Galera node and ready.
  std::unique_ptr<sql::ResultSet> rs(st->executeQuery(
      "SELECT CAST(UNIX_TIMESTAMP() - (SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
      "WHERE VARIABLE_NAME = 'UPTIME') AS SIGNED), "
      "(SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_VARIABLES WHERE VARIABLE_NAME = 'WSREP_ON'), "
      "(SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'WSREP_READY')"));
  if (!rs->next()) return 0;
  const std::int64_t started = rs->isNull(1) ? 0 : static_cast<std::int64_t>(rs->getInt64(1));
  const bool galera = !rs->isNull(2) && rs->getString(2) == "ON";
  if (galera) {
    if (rs->isNull(3) || rs->getString(3) != "ON")
      throw DbUnavailable("Galera node not ready (wsrep_ready OFF)", 1047);
    st->execute("SET SESSION wsrep_sync_wait = 1");
  }
  return started;
}

void commit(sql::Connection& conn) {
  std::unique_ptr<sql::Statement> st(conn.createStatement());
  try {
    st->execute("COMMIT");
  } catch (const sql::SQLException& e) {
    if (!is_unavailable(e.getErrorCode())) throw;
    throw CommitOutcomeUnknown(std::string("connection lost at COMMIT, outcome unknown: ") + e.what(),
                               e.getErrorCode());
  }
}

OpenedConnection open_first_available(const DbUrl& url, const ConnectOptions& options, std::size_t before) {
  const auto hosts = url.hosts();
  std::string errors;
  for (std::size_t i = 0; i < hosts.size() && i < before; ++i) {
    const DbHost& h = hosts[i];
    sql::ConnectOptionsMap opts;
    opts["hostName"] = sql::SQLString("tcp://" + to_string(h));
    opts["userName"] = sql::SQLString(url.user);
    opts["password"] = sql::SQLString(url.password);
    if (!url.database.empty()) opts["schema"] = sql::SQLString(url.database);
    opts["OPT_CONNECT_TIMEOUT"] = static_cast<int>(options.connect_timeout.count());
    opts["OPT_READ_TIMEOUT"] = static_cast<int>(options.read_timeout.count());
    opts["OPT_WRITE_TIMEOUT"] = static_cast<int>(options.write_timeout.count());
    opts["OPT_RECONNECT"] = false;
    opts["CLIENT_MULTI_STATEMENTS"] = false;
    opts["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");
    try {
      OpenedConnection out;
      out.conn.reset(driver().connect(opts));
      out.server_started_at = prepare_session(*out.conn);
      out.host = i;
      return out;
    } catch (const sql::SQLException& e) {
      errors += (errors.empty() ? "" : "; ") + to_string(h) + ": " + e.what() + " (error " +
                std::to_string(e.getErrorCode()) + ")";
    } catch (const DbUnavailable& e) {
      errors += (errors.empty() ? "" : "; ") + to_string(h) + ": " + e.what();
    }
  }
  throw DbUnavailable("cannot connect to " + redacted(url) + ": " + errors);
}

std::unique_ptr<sql::Connection> open_connection(const DbUrl& url, const ConnectOptions& options,
                                                 std::int64_t& server_started_at) {
  OpenedConnection c = open_first_available(url, options);
  server_started_at = c.server_started_at;
  return std::move(c.conn);
}

}  // namespace keel::db
