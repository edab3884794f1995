#pragma once
// KEEL_DB_URL: mysql://user:password@host:port/database
#include <optional>
#include <string>
#include <string_view>

namespace keel::db {

struct DbUrl {
  std::string user, password, host;
  unsigned port = 3306;
  std::string database;  // may be empty: no default schema
};

// Accepts mysql:// and mariadb://. user and password are percent-decoded (so
// "p%40ss" is "p@ss"); the password and the database are optional; an IPv6
// host is written in brackets ([::1]). Query strings, fragments, a missing
// user or host, a bad port or bad percent escapes give nullopt.
std::optional<DbUrl> parse_db_url(std::string_view url);

// For logs: mysql://user:***@host:port/database (no password).
std::string redacted(const DbUrl& url);

}  // namespace keel::db
