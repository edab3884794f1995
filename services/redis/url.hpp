#pragma once
// KEEL_REDIS_URL: redis://[[user]:password@]host[:port][/db] (no TLS).
#include <optional>
#include <string>
#include <string_view>

namespace keel::redis {

struct RedisUrl {
  std::string user;      // empty: AUTH with the password alone (the "default" user)
  std::string password;  // empty: no AUTH
  std::string host;
  unsigned port = 6379;  // as every Redis client, when the URL names none
  unsigned db = 0;       // SELECT db on connect when not 0
};

// user and password are percent-decoded; an IPv6 host is written in
// brackets ([::1]). Another scheme, a missing host, a bad port, a db that is
// not a number from 0 to 65535, a query string, a fragment or a deeper path
// give nullopt.
std::optional<RedisUrl> parse_redis_url(std::string_view url);

// For logs: redis://host:port/db, credentials left out.
std::string without_credentials(const RedisUrl& url);

}  // namespace keel::redis
