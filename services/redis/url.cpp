#include "services/redis/url.hpp"

#include <boost/url/parse.hpp>

#include <charconv>

namespace keel::redis {

namespace {
std::optional<unsigned> number(std::string_view s, unsigned lo, unsigned hi) {
  unsigned v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v < lo || v > hi) return std::nullopt;
  return v;
}
}  // namespace

std::optional<RedisUrl> parse_redis_url(std::string_view text) {
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) return std::nullopt;
  const boost::urls::url_view& u = *parsed;
  if (u.scheme() != "redis" || !u.has_authority() || u.has_query() || u.has_fragment()) return std::nullopt;

  RedisUrl out;
  if (u.host_type() == boost::urls::host_type::ipvfuture) return std::nullopt;
  out.host = u.host_address();
  if (out.host.empty()) return std::nullopt;
  if (u.has_port()) {
    auto port = number(u.port(), 1, 65535);
    if (!port) return std::nullopt;
    out.port = *port;
  }
  if (u.has_userinfo()) {
    out.user = u.user();
    out.password = u.password();
    // "user@host" names nobody to authenticate: a password is what AUTH needs.
    if (out.password.empty()) return std::nullopt;
  }
  std::string_view path = u.encoded_path();
  if (!path.empty()) {
    path.remove_prefix(1);  // the leading '/'
    if (!path.empty()) {
      auto db = number(path, 0, 65535);
      if (!db) return std::nullopt;
      out.db = *db;
    }
  }
  return out;
}

std::string without_credentials(const RedisUrl& url) {
  std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  return "redis://" + host + ":" + std::to_string(url.port) + "/" + std::to_string(url.db);
}

}  // namespace keel::redis
