#pragma once
// Opening one MySQL/MariaDB connection (blocking; call on the blocking pool).
#include "services/db/url.hpp"

#include <chrono>
#include <cstddef>
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

struct OpenedConnection {
  std::unique_ptr<sql::Connection> conn;
  std::int64_t server_started_at = 0;  // unix seconds
  std::size_t host = 0;                // index into url.hosts()
};

// A new connection with auto-reconnect off, multi-statements off, utf8mb4,
// the URL's database as default schema (none when empty), and its session
// prepared by prepare_session(), to the first of url.hosts() (before index
// `before`) that accepts it and is ready: a Galera node that is not synced
// with its cluster's primary component is skipped. Throws DbUnavailable,
// naming every host's error, when none does.
OpenedConnection open_first_available(const DbUrl& url, const ConnectOptions& options,
                                      std::size_t before = static_cast<std::size_t>(-1));

// The same, for callers that need only the connection.
std::unique_ptr<sql::Connection> open_connection(const DbUrl& url, const ConnectOptions& options,
                                                 std::int64_t& server_started_at);

// Sets what every session needs (SET NAMES utf8mb4, time_zone '+00:00'; on a
// Galera node, wsrep_sync_wait = 1 so a read sees every commit the cluster
// acknowledged before it began, whichever node took it); a reconnected
// session has lost it. Returns the server's start time in unix seconds
// (UNIX_TIMESTAMP() - Uptime), which moves forward when the server restarts.
// Throws sql::SQLException, or DbUnavailable for a Galera node that is not
// ready (wsrep_ready OFF).
std::int64_t prepare_session(sql::Connection& conn);

// Commits the open transaction and throws when the server refuses it. Use
// this, never sql::Connection::commit(): Connector/C++ 1.1 drops COMMIT's
// result, so a Galera certification failure at commit (1213: the writeset
// lost to another node's) would pass silently as a success while nothing was
// written. Run as a statement, the failure throws and transact() retries.
// A connection lost at COMMIT throws CommitOutcomeUnknown (never retried).
void commit(sql::Connection& conn);

}  // namespace keel::db
