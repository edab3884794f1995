#pragma once
// KEEL_DB_URL: mysql://user:password@host:port/database, or with several
// hosts (a Galera cluster): mysql://user:password@h1:p1,h2:p2,h3:p3/database,
// in order of preference.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace keel::db {

struct DbHost {
  std::string host;
  unsigned port = 3306;
  bool operator==(const DbHost&) const = default;
};

struct DbUrl {
  std::string user, password, host;  // host, port: the preferred (first) host
  unsigned port = 3306;
  std::string database;          // may be empty: no default schema
  std::vector<DbHost> fallbacks;  // the hosts after the first, in order

  // Every host, the preferred one first.
  std::vector<DbHost> hosts() const;
};

// Accepts mysql:// and mariadb://. user and password are percent-decoded (so
// "p%40ss" is "p@ss"); the password and the database are optional; an IPv6
// host is written in brackets ([::1]); hosts are separated by commas, each
// with its own optional port (3306). Query strings, fragments, a missing
// user or host, a bad port or bad percent escapes give nullopt.
std::optional<DbUrl> parse_db_url(std::string_view url);

// For logs: mysql://user:***@host:port[,host:port...]/database (no password).
std::string redacted(const DbUrl& url);

// host:port ([v6]:port), as logs and /api/health/memory show a host.
std::string to_string(const DbHost& h);

}  // namespace keel::db
