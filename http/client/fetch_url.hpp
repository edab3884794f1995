#pragma once
// The URLs the outbound client fetches (Boost.URL): where to connect, what to
// send as Host and request target, redirect resolution, and a URL safe to log.
#include <cstdint>
#include <string>
#include <string_view>

namespace keel {

struct FetchTarget {
  std::string url;  // the absolute URL, fragment dropped
  bool https = false;
  std::string host;  // the name or address to connect to (IPv6 without brackets)
  std::uint16_t port = 0;
  std::string host_header;    // Host: the host as written, ":port" when not the scheme's default
  std::string target;         // origin-form: "/path?query" ("/" when the path is empty)
  std::string authorization;  // "Basic ..." from the URL's userinfo, or empty
};

// Parses an absolute http:// or https:// URL; throws FetchError(bad_url).
FetchTarget parse_fetch_url(std::string_view url);

// A redirect's Location (absolute or relative) resolved against the URL that
// answered it (RFC 3986 §5); throws FetchError(bad_url) when it is not a URI
// reference.
std::string resolve_location(std::string_view base, std::string_view location);

// `url` without its userinfo (user and password), for logs and stored
// sources; a string that is no URL comes back unchanged.
std::string url_without_credentials(std::string_view url);

}  // namespace keel
