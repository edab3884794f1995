// The outbound client's URLs (http/client/fetch_url): what it connects to and
// sends, redirects resolved, credentials kept out of logs.
#include "http/client/fetch_error.hpp"
#include "http/client/fetch_url.hpp"

#include <gtest/gtest.h>

using keel::FetchError;
using keel::parse_fetch_url;

TEST(HttpClientUrl, ParseTable) {
  struct Case {
    const char* url;
    bool https;
    const char* host;
    unsigned port;
    const char* host_header;
    const char* target;
  };
  const Case cases[] = {
      {"http://example.com", false, "example.com", 80, "example.com", "/"},
      {"http://example.com/", false, "example.com", 80, "example.com", "/"},
      {"https://example.com/a/b?x=1&y=%20#frag", true, "example.com", 443, "example.com", "/a/b?x=1&y=%20"},
      {"HTTPS://Example.com:8443/q", true, "Example.com", 8443, "Example.com:8443", "/q"},
      {"http://127.0.0.1:8080/json", false, "127.0.0.1", 8080, "127.0.0.1:8080", "/json"},
      {"http://[::1]:9000/x", false, "::1", 9000, "[::1]:9000", "/x"},
      {"https://example.com:443/", true, "example.com", 443, "example.com", "/"},
      {"http://u:p@example.com/", false, "example.com", 80, "example.com", "/"},
  };
  for (const auto& c : cases) {
    const auto t = parse_fetch_url(c.url);
    EXPECT_EQ(t.https, c.https) << c.url;
    EXPECT_EQ(t.host, c.host) << c.url;
    EXPECT_EQ(t.port, c.port) << c.url;
    EXPECT_EQ(t.host_header, c.host_header) << c.url;
    EXPECT_EQ(t.target, c.target) << c.url;
  }
}

TEST(HttpClientUrl, UserinfoBecomesBasicAuthorization) {
  EXPECT_EQ(parse_fetch_url("http://aladdin:open%20sesame@example.com/").authorization,
            "Basic YWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  EXPECT_EQ(parse_fetch_url("http://example.com/").authorization, "");
}

TEST(HttpClientUrl, RefusedTable) {
  for (const char* url : {"", "example.com/x", "ftp://example.com/", "file:///etc/passwd", "http:///path",
                          "http://exa mple.com/", "http://example.com:0/", "http://example.com:99999/"}) {
    try {
      parse_fetch_url(url);
      ADD_FAILURE() << "accepted " << url;
    } catch (const FetchError& e) { EXPECT_EQ(e.kind, FetchError::Kind::bad_url) << url; }
  }
}

TEST(HttpClientUrl, ErrorsDoNotShowThePassword) {
  try {
    parse_fetch_url("ftp://user:secret@example.com/");
    FAIL();
  } catch (const FetchError& e) { EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos) << e.what(); }
}

TEST(HttpClientUrl, LocationResolvesTable) {
  struct Case {
    const char* base;
    const char* location;
    const char* want;
  };
  const Case cases[] = {
      {"http://h/a/b", "/json", "http://h/json"},
      {"http://h/a/b", "../json", "http://h/json"},
      {"http://h/a/b", "c?x=1", "http://h/a/c?x=1"},
      {"http://h:81/a", "https://other:8443/z", "https://other:8443/z"},
      {"https://h/a", "//cdn.example/x", "https://cdn.example/x"},
      {"http://h/a?q=1", "?q=2", "http://h/a?q=2"},
      {"http://h/a", "/b#frag", "http://h/b"},
  };
  for (const auto& c : cases) EXPECT_EQ(keel::resolve_location(c.base, c.location), c.want) << c.location;
  EXPECT_THROW(keel::resolve_location("http://h/", "http://bad host/"), FetchError);
}

TEST(HttpClientUrl, WithoutCredentials) {
  EXPECT_EQ(keel::url_without_credentials("https://user:pw@example.com:8443/x?y=1"), "https://example.com:8443/x?y=1");
  EXPECT_EQ(keel::url_without_credentials("https://example.com/x"), "https://example.com/x");
  EXPECT_EQ(keel::url_without_credentials("not a url"), "not a url");
}
