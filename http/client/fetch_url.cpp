#include "http/client/fetch_url.hpp"

#include "http/client/fetch_error.hpp"

#include <openssl/evp.h>
#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include <charconv>

namespace keel {

namespace urls = boost::urls;

namespace {

std::string base64(std::string_view in) {
  std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

FetchError bad_url(std::string_view url, std::string_view why) {
  return FetchError(FetchError::Kind::bad_url, "bad URL " + url_without_credentials(url) + ": " + std::string(why));
}

}  // namespace

FetchTarget parse_fetch_url(std::string_view url) {
  auto parsed = urls::parse_uri(url);
  if (!parsed) throw bad_url(url, "not an absolute URI");
  const urls::url_view u = *parsed;
  FetchTarget t;
  if (u.scheme_id() == urls::scheme::https) {
    t.https = true;
  } else if (u.scheme_id() != urls::scheme::http) {
    throw bad_url(url, "the scheme is not http or https");
  }
  t.host = u.host_address();
  if (t.host.empty()) throw bad_url(url, "no host");
  const std::uint16_t default_port = t.https ? 443 : 80;
  t.port = default_port;
  if (u.has_port()) {
    // port_number() wraps numbers over 65535: read the digits instead.
    const std::string_view digits = u.port();
    unsigned long port = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (ec != std::errc() || end != digits.data() + digits.size() || port == 0 || port > 65535) {
      throw bad_url(url, "bad port");
    }
    t.port = static_cast<std::uint16_t>(port);
  }
  t.host_header = u.encoded_host();  // as written: brackets kept for IPv6
  if (t.port != default_port) t.host_header += ":" + std::to_string(t.port);
  t.target = u.encoded_path();
  if (t.target.empty()) t.target = "/";
  if (u.has_query()) t.target += "?" + std::string(u.encoded_query());
  if (u.has_userinfo()) t.authorization = "Basic " + base64(std::string(u.user()) + ":" + std::string(u.password()));
  urls::url clean(u);
  clean.remove_fragment();
  t.url = clean.buffer();
  return t;
}

std::string resolve_location(std::string_view base, std::string_view location) {
  auto b = urls::parse_uri(base);
  auto ref = urls::parse_uri_reference(location);
  if (!b) throw bad_url(base, "not an absolute URI");
  if (!ref) throw bad_url(location, "the redirect's Location is not a URI reference");
  urls::url dest;
  if (!urls::resolve(*b, *ref, dest)) throw bad_url(location, "the redirect's Location does not resolve");
  dest.remove_fragment();
  return std::string(dest.buffer());
}

std::string url_without_credentials(std::string_view url) {
  auto parsed = urls::parse_uri(url);
  if (!parsed || !parsed->has_userinfo()) return std::string(url);
  urls::url clean(*parsed);
  clean.remove_userinfo();
  return std::string(clean.buffer());
}

}  // namespace keel
