#pragma once
// Errors of the database layer: the only ones its callers need to know.
// middleware/db_errors maps PoolTimeout and DbUnavailable to 503
// {"detail": "database busy"} / {"detail": "database unavailable"}.
#include <exception>
#include <stdexcept>
#include <string>

namespace keel::db {

// No connection became free within PoolConfig::timeout.
struct PoolTimeout : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The database cannot serve now: connecting failed, the pool is closed, or
// a statement failed because the connection or the server went away.
struct DbUnavailable : std::runtime_error {
  explicit DbUnavailable(const std::string& what, int driver_code = 0)
      : std::runtime_error(what), driver_code(driver_code) {}
  int driver_code;  // the driver's error code when a statement failed; 0 otherwise
};

// A migration could not be applied, or the recorded history disagrees with
// the migrations the binary carries.
struct MigrationError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Client error codes that mean the connection itself is gone:
// 2006 server has gone away, 2013 lost connection during query,
// 2055 lost connection (system error). Such a connection is discarded.
constexpr bool is_connection_lost(int mysql_errno) noexcept {
  return mysql_errno == 2006 || mysql_errno == 2013 || mysql_errno == 2055;
}

// Error codes that mean "try again later" rather than a bug: a lost
// connection, or a server that cannot be reached (2002 socket, 2003 TCP),
// is shutting down (1053) or killed the connection (1927).
constexpr bool is_unavailable(int mysql_errno) noexcept {
  return is_connection_lost(mysql_errno) || mysql_errno == 2002 || mysql_errno == 2003 || mysql_errno == 1053 ||
         mysql_errno == 1927;
}

// Rethrows `error`, except that a driver error (sql::SQLException) whose
// code is_unavailable() becomes DbUnavailable carrying that code. Pool::run()
// passes what its fn throws through here, so no caller above services/db
// needs the driver's exception types; any other SQL error stays what it is.
[[noreturn]] void rethrow_as_db_error(std::exception_ptr error);

}  // namespace keel::db
