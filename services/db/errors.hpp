#pragma once
// Errors of the database layer. The router layer maps PoolTimeout and
// DbUnavailable to 503 {"detail": "database busy"} / {"detail": "database unavailable"}.
#include <stdexcept>
#include <string>

namespace keel::db {

// No connection became free within PoolConfig::timeout.
struct PoolTimeout : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The database cannot be reached at all (connect failed, or the pool is closed).
struct DbUnavailable : std::runtime_error {
  using std::runtime_error::runtime_error;
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

}  // namespace keel::db
