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

// The connection was lost while COMMIT was on its way, so whether the
// transaction committed is unknown: it is not run again (503).
struct CommitOutcomeUnknown : DbUnavailable {
  using DbUnavailable::DbUnavailable;
};

// A transaction lost a conflict and was rolled back, so nothing of it was
// committed: a deadlock or, on Galera, a failed certification (1213), or a
// lock wait timeout (1205). Pool::transact() runs it again; what still
// fails is 503 {"detail": "database busy"}.
struct TransactionConflict : std::runtime_error {
  explicit TransactionConflict(const std::string& what, int driver_code)
      : std::runtime_error(what), driver_code(driver_code) {}
  int driver_code;
};

// A migration could not be applied, or the recorded history disagrees with
// the migrations the binary carries.
struct MigrationError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Error codes that mean the connection itself is of no more use:
// 2006 server has gone away, 2013 lost connection during query,
// 2055 lost connection (system error), 1047 a Galera node that left the
// cluster's primary component ("WSREP has not yet prepared node for
// application use"). Such a connection is discarded; its replacement may
// go to another host.
constexpr bool is_connection_lost(int mysql_errno) noexcept {
  return mysql_errno == 2006 || mysql_errno == 2013 || mysql_errno == 2055 || mysql_errno == 1047;
}

// 1213 deadlock / Galera certification failure, 1205 lock wait timeout.
constexpr bool is_conflict(int mysql_errno) noexcept { return mysql_errno == 1213 || mysql_errno == 1205; }

// Error codes that mean "try again later" rather than a bug: a lost
// connection, or a server that cannot be reached (2002 socket, 2003 TCP),
// is shutting down (1053) or killed the connection (1927).
constexpr bool is_unavailable(int mysql_errno) noexcept {
  return is_connection_lost(mysql_errno) || mysql_errno == 2002 || mysql_errno == 2003 || mysql_errno == 1053 ||
         mysql_errno == 1927;
}

// Rethrows `error`, except that a driver error (sql::SQLException) whose
// code is_unavailable() becomes DbUnavailable carrying that code, and one
// that is_conflict() becomes TransactionConflict. Pool::run()
// passes what its fn throws through here, so no caller above services/db
// needs the driver's exception types; any other SQL error stays what it is.
[[noreturn]] void rethrow_as_db_error(std::exception_ptr error);

}  // namespace keel::db
