// The checks of a parsed request head (RFC 9112) and the routing fields
// taken from its target: table tests over the pure decisions.
#include "http/request_head.hpp"

#include <boost/url/parse.hpp>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

using namespace keel;

namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

Headers headers(const Fields& fields) {
  Headers h;
  for (const auto& [k, v] : fields) h.add(k, v);
  return h;
}

}  // namespace

TEST(RequestHead, OversizedHeadIs414OnlyWhenTheTargetIsLong) {
  struct Case {
    const char* name;
    std::string head;
    int status;
  } cases[] = {
      {"one large field", "GET /api/health HTTP/1.1\r\nX-Big: " + std::string(20000, 'a'), 431},
      {"one large field after Host", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a'), 431},
      {"a target at the limit",
       "GET /" + std::string(kTargetLimit - 1, 'a') + " HTTP/1.1\r\nX: " + std::string(9000, 'b'), 431},
      {"a target over the limit", "GET /" + std::string(kTargetLimit, 'a') + " HTTP/1.1\r\nHost: x\r\n", 414},
      {"a target still arriving", "GET /" + std::string(20000, 'a'), 414},
      {"no space at all", std::string(20000, 'a'), 431},
  };
  for (const auto& c : cases) {
    auto r = oversized_head(c.head);
    EXPECT_EQ(r.status, c.status) << c.name;
    EXPECT_FALSE(r.detail.empty()) << c.name;
  }
}

TEST(RequestHead, FramingTable) {
  struct Case {
    const char* name;
    unsigned version;
    Fields fields;
    int status;  // 0: accepted
  } cases[] = {
      {"plain 1.1", 11, {{"Host", "x"}}, 0},
      {"host and port", 11, {{"Host", "127.0.0.1:8000"}}, 0},
      {"ip-literal", 11, {{"Host", "[::1]:80"}}, 0},
      {"empty Host", 11, {{"Host", ""}}, 0},
      {"Host in any case", 11, {{"hOST", "x"}}, 0},
      {"1.0 without Host", 10, {}, 0},
      {"HTTP/2.0", 20, {{"Host", "x"}}, 505},
      {"HTTP/0.9", 9, {}, 505},
      {"1.1 without Host", 11, {{"Accept", "*/*"}}, 400},
      {"two Host fields", 11, {{"Host", "a"}, {"Host", "a"}}, 400},
      {"two Host fields in 1.0", 10, {{"Host", "a"}, {"host", "b"}}, 400},
      {"Host with a space", 11, {{"Host", "a b"}}, 400},
      {"Host with user info", 11, {{"Host", "user@a"}}, 400},
      {"Host with a bad port", 11, {{"Host", "a:http"}}, 400},
      {"Host with two ports", 11, {{"Host", "a:1:2"}}, 400},
      {"Host with a bad ip-literal", 11, {{"Host", "[::1"}}, 400},
      {"Host percent-encoded", 11, {{"Host", "ex%41mple.test"}}, 0},
      {"Host with a bad percent", 11, {{"Host", "ex%4"}}, 400},
      {"Host of sub-delims", 11, {{"Host", "a!$&'()*+,;=b:80"}}, 0},
      {"Host port only", 11, {{"Host", ":80"}}, 0},
      {"chunked", 11, {{"Host", "x"}, {"Transfer-Encoding", "chunked"}}, 0},
      {"Chunked in any case", 11, {{"Host", "x"}, {"transfer-encoding", "CHUNKED"}}, 0},
      {"Content-Length", 11, {{"Host", "x"}, {"Content-Length", "5"}}, 0},
      {"chunked, identity", 11, {{"Host", "x"}, {"Transfer-Encoding", "chunked, identity"}}, 400},
      {"xchunked", 11, {{"Host", "x"}, {"Transfer-Encoding", "xchunked"}}, 400},
      {"gzip", 11, {{"Host", "x"}, {"Transfer-Encoding", "gzip"}}, 400},
      {"empty coding", 11, {{"Host", "x"}, {"Transfer-Encoding", ""}}, 400},
      {"malformed list", 11, {{"Host", "x"}, {"Transfer-Encoding", "chunked x"}}, 400},
      {"chunked twice", 11, {{"Host", "x"}, {"Transfer-Encoding", "chunked, chunked"}}, 400},
      {"chunked twice in two fields",
       11,
       {{"Host", "x"}, {"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "chunked"}},
       400},
      {"gzip, chunked", 11, {{"Host", "x"}, {"Transfer-Encoding", "gzip, chunked"}}, 501},
      {"gzip then chunked", 11, {{"Host", "x"}, {"Transfer-Encoding", "gzip"}, {"Transfer-Encoding", "chunked"}}, 501},
      {"chunked and Content-Length",
       11,
       {{"Host", "x"}, {"Transfer-Encoding", "chunked"}, {"Content-Length", "5"}},
       400},
      {"gzip and Content-Length", 11, {{"Host", "x"}, {"Content-Length", "5"}, {"Transfer-Encoding", "gzip"}}, 400},
      {"chunked in 1.0", 10, {{"Transfer-Encoding", "chunked"}}, 400},
  };
  for (const auto& c : cases) {
    auto r = check_framing(headers(c.fields), c.version);
    if (c.status == 0) {
      EXPECT_FALSE(r) << c.name << ": " << r->status << " " << r->detail;
    } else {
      ASSERT_TRUE(r) << c.name;
      EXPECT_EQ(r->status, c.status) << c.name;
      EXPECT_FALSE(r->detail.empty()) << c.name;
    }
  }
}

TEST(RequestHead, NotImplementedCodingIsNamed) {
  auto r = check_framing(headers({{"Host", "x"}, {"Transfer-Encoding", "br, chunked"}}), 11);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->detail, "transfer coding not implemented: br");
}

TEST(RequestHead, TargetFormsTable) {
  struct Case {
    const char* name;
    std::string target;
    int status;  // 0: accepted
    std::string path;
    std::vector<std::string> segments;
    std::vector<std::pair<std::string, std::string>> query;
    std::string host;  // the Host field afterwards
  } cases[] = {
      {"origin form", "/api/health", 0, "/api/health", {"api", "health"}, {}, "x"},
      {"origin form with a query",
       "/api/x?a=1&b=two+words&c=%2F",
       0,
       "/api/x",
       {"api", "x"},
       {{"a", "1"}, {"b", "two words"}, {"c", "/"}},
       "x"},
      {"a decoded segment", "/api/%68ealth", 0, "/api/%68ealth", {"api", "health"}, {}, "x"},
      {"absolute form", "http://example.test/api/health", 0, "/api/health", {"api", "health"}, {}, "example.test"},
      {"absolute form with port and query",
       "https://example.test:8443/a?x=1",
       0,
       "/a",
       {"a"},
       {{"x", "1"}},
       "example.test:8443"},
      {"absolute form without a path", "http://example.test", 0, "/", {}, {}, "example.test"},
      {"absolute form without a path but a query", "http://example.test?x=1", 0, "/", {}, {{"x", "1"}}, "example.test"},
      {"asterisk form", "*", 400, "", {}, {}, "x"},
      {"authority form", "example.test:443", 400, "", {}, {}, "x"},
      {"not an http URI", "mailto:a@example.test", 400, "", {}, {}, "x"},
      {"no host", "http:///api/health", 400, "", {}, {}, "x"},
      {"user info", "http://user@example.test/", 400, "", {}, {}, "x"},
      {"a fragment", "http://example.test/a#top", 400, "", {}, {}, "x"},
      {"relative", "api/health", 400, "", {}, {}, "x"},
      {"empty", "", 400, "", {}, {}, "x"},
      {"a space", "/a b", 400, "", {}, {}, "x"},
      {"target at the limit",
       "/" + std::string(kTargetLimit - 1, 'a'),
       0,
       "/" + std::string(kTargetLimit - 1, 'a'),
       {std::string(kTargetLimit - 1, 'a')},
       {},
       "x"},
      {"target over the limit", "/" + std::string(kTargetLimit, 'a'), 414, "", {}, {}, "x"},
  };
  for (const auto& c : cases) {
    Request req;
    req.method = "GET";
    req.target = c.target;
    req.headers.add("Host", "x");
    auto r = apply_target(req);
    if (c.status != 0) {
      ASSERT_TRUE(r) << c.name;
      EXPECT_EQ(r->status, c.status) << c.name;
      EXPECT_FALSE(r->detail.empty()) << c.name;
      continue;
    }
    ASSERT_FALSE(r) << c.name << ": " << r->detail;
    EXPECT_EQ(req.path, c.path) << c.name;
    EXPECT_EQ(req.segments, c.segments) << c.name;
    EXPECT_EQ(req.query, c.query) << c.name;
    EXPECT_EQ(req.headers.get("Host").value_or("?"), c.host) << c.name;
    EXPECT_EQ(req.headers.size(), 1u) << c.name;
  }
}

// apply_target answers the usual target without the URL parser: over every
// origin-form target of up to six characters from an alphabet of slashes,
// dots, percent-encoding, a query and pchars, its path and segments are
// exactly what Boost.URL makes of the same target.
TEST(RequestHead, PlainPathsAgreeWithBoostUrl) {
  const std::string alphabet = "/a.%2F?:";
  std::size_t compared = 0;
  std::vector<std::string> targets{"/"};
  for (std::size_t len = 1; len <= 6; ++len) {
    std::vector<std::string> longer;
    for (const auto& t : targets) {
      if (t.size() != len) continue;
      for (char c : alphabet) longer.push_back(t + c);
    }
    targets.insert(targets.end(), longer.begin(), longer.end());
  }
  for (const auto& target : targets) {
    Request req;
    req.method = "GET";
    req.target = target;
    auto refused = apply_target(req);
    auto u = boost::urls::parse_origin_form(target);
    if (!u) {
      EXPECT_TRUE(refused) << target;
      continue;
    }
    ASSERT_FALSE(refused) << target << ": " << refused->detail;
    std::vector<std::string> segments;
    for (auto s : u->segments()) segments.emplace_back(s);
    EXPECT_EQ(req.path, u->encoded_path().empty() ? std::string("/") : std::string(u->encoded_path())) << target;
    EXPECT_EQ(req.segments, segments) << target;
    ++compared;
  }
  EXPECT_GT(compared, 10000u);
}
