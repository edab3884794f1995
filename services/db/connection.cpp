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
  std::unique_ptr<sql::ResultSet> rs(
      st->executeQuery("SELECT CAST(UNIX_TIMESTAMP() - VARIABLE_VALUE AS SIGNED) FROM information_schema.GLOBAL_STATUS "
                       "WHERE VARIABLE_NAME = 'UPTIME'"));
  return rs->next() ? static_cast<std::int64_t>(rs->getInt64(1)) : 0;
}

std::unique_ptr<sql::Connection> open_connection(const DbUrl& url, const ConnectOptions& options,
                                                 std::int64_t& server_started_at) {
  const bool ipv6 = url.host.find(':') != std::string::npos;
  sql::ConnectOptionsMap opts;
  opts["hostName"] =
      sql::SQLString("tcp://" + (ipv6 ? "[" + url.host + "]" : url.host) + ":" + std::to_string(url.port));
  opts["userName"] = sql::SQLString(url.user);
  opts["password"] = sql::SQLString(url.password);
  if (!url.database.empty()) opts["schema"] = sql::SQLString(url.database);
  opts["OPT_CONNECT_TIMEOUT"] = static_cast<int>(options.connect_timeout.count());
  opts["OPT_READ_TIMEOUT"] = static_cast<int>(options.read_timeout.count());
  opts["OPT_WRITE_TIMEOUT"] = static_cast<int>(options.write_timeout.count());
  opts["OPT_RECONNECT"] = false;
  opts["CLIENT_MULTI_STATEMENTS"] = false;
  opts["OPT_CHARSET_NAME"] = sql::SQLString("utf8mb4");

  std::unique_ptr<sql::Connection> conn;
  try {
    conn.reset(driver().connect(opts));
    server_started_at = prepare_session(*conn);
  } catch (const sql::SQLException& e) {
    throw DbUnavailable("cannot connect to " + redacted(url) + ": " + e.what() + " (error " +
                        std::to_string(e.getErrorCode()) + ")");
  }
  return conn;
}

}  // namespace keel::db
