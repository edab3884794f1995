#include "services/db/url.hpp"

#include "http/text/percent.hpp"

#include <charconv>

namespace keel::db {
namespace {

// host, host:port, [v6] or [v6]:port.
std::optional<DbHost> parse_host(std::string_view hostport) {
  std::string_view host = hostport;
  std::string_view port;
  const bool bracketed = !hostport.empty() && hostport.front() == '[';
  if (bracketed) {
    const auto close = hostport.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = hostport.substr(1, close - 1);
    const std::string_view after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port = after.substr(1);
      if (port.empty()) return std::nullopt;
    }
  } else if (const auto pc = hostport.rfind(':'); pc != std::string_view::npos) {
    host = hostport.substr(0, pc);
    port = hostport.substr(pc + 1);
    if (port.empty()) return std::nullopt;
  }
  if (host.empty()) return std::nullopt;
  if (!bracketed && host.find_first_of(":[]") != std::string_view::npos) return std::nullopt;
  DbHost out{std::string(host), 3306};
  if (!port.empty()) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) return std::nullopt;
    out.port = value;
  }
  return out;
}

}  // namespace

std::vector<DbHost> DbUrl::hosts() const {
  std::vector<DbHost> all{DbHost{host, port}};
  all.insert(all.end(), fallbacks.begin(), fallbacks.end());
  return all;
}

std::string to_string(const DbHost& h) {
  return (h.host.find(':') != std::string::npos ? "[" + h.host + "]" : h.host) + ":" + std::to_string(h.port);
}

std::optional<DbUrl> parse_db_url(std::string_view url) {
  std::string_view rest;
  for (std::string_view scheme : {std::string_view("mysql://"), std::string_view("mariadb://")}) {
    if (url.substr(0, scheme.size()) == scheme) {
      rest = url.substr(scheme.size());
      break;
    }
  }
  if (rest.empty()) return std::nullopt;
  if (rest.find_first_of("?#") != std::string_view::npos) return std::nullopt;

  const auto slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  const std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  if (path.find('/') != std::string_view::npos) return std::nullopt;

  const auto at = authority.rfind('@');
  if (at == std::string_view::npos) return std::nullopt;
  const std::string_view userinfo = authority.substr(0, at);
  const std::string_view hostport = authority.substr(at + 1);

  DbUrl out;
  const auto colon = userinfo.find(':');
  auto user = text::percent_decode(userinfo.substr(0, colon));
  if (!user || user->empty()) return std::nullopt;
  out.user = std::move(*user);
  if (colon != std::string_view::npos) {
    auto password = text::percent_decode(userinfo.substr(colon + 1));
    if (!password) return std::nullopt;
    out.password = std::move(*password);
  }

  if (hostport.empty()) return std::nullopt;
  bool first = true;
  for (std::string_view rest_hosts = hostport;;) {
    const auto comma = rest_hosts.find(',');
    auto h = parse_host(rest_hosts.substr(0, comma));
    if (!h) return std::nullopt;
    if (first) {
      out.host = std::move(h->host);
      out.port = h->port;
      first = false;
    } else {
      out.fallbacks.push_back(std::move(*h));
    }
    if (comma == std::string_view::npos) break;
    rest_hosts = rest_hosts.substr(comma + 1);
  }

  auto database = text::percent_decode(path);
  if (!database) return std::nullopt;
  out.database = std::move(*database);
  return out;
}

std::string redacted(const DbUrl& url) {
  std::string hosts;
  for (const auto& h : url.hosts()) hosts += (hosts.empty() ? "" : ",") + to_string(h);
  return "mysql://" + url.user + ":***@" + hosts + "/" + url.database;
}

}  // namespace keel::db
