#pragma once
// Opening one MySQL/MariaDB connection (blocking; call on the blocking pool).
#include "services/db/url.hpp"

#include <chrono>
#include <cstdint>
#include <memory>

namespace sql {
class Connection;
}

namespace keel::db {

// Loads the Connector/C++ driver. Its first call is not thread-safe: call
// this once from main() (and from tests' setup) before any thread connects.
void init_driver();

struct ConnectOptions {
  std::chrono::seconds connect_timeout{3};
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds write_timeout{30};
};

// A new connection with auto-reconnect off, multi-statements off, utf8mb4,
// the URL's database as default schema (none when empty), and its session
// prepared by prepare_session(). Throws DbUnavailable when it cannot connect.
// server_started_at receives the server's start time (unix seconds).
std::unique_ptr<sql::Connection> open_connection(const DbUrl& url, const ConnectOptions& options,
                                                 std::int64_t& server_started_at);

// Sets what every session needs (SET NAMES utf8mb4, time_zone '+00:00'); a
// reconnected session has lost it. Returns the server's start time in unix
// seconds (UNIX_TIMESTAMP() - Uptime), which moves forward when the server
// restarts. Throws sql::SQLException.
std::int64_t prepare_session(sql::Connection& conn);

}  // namespace keel::db
