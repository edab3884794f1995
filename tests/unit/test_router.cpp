#include "http/router.hpp"

#include <gtest/gtest.h>

using namespace keel;

namespace {
Handler noop() {
  return [](Request&) -> awaitable<Response> { co_return Response::empty(204); };
}
RouteSpec spec(std::string method, std::string path) {
  RouteSpec s;
  s.method = std::move(method);
  s.path = std::move(path);
  return s;
}
std::vector<std::string> segs(std::initializer_list<const char*> l) { return {l.begin(), l.end()}; }
}  // namespace

TEST(RouteTemplate, ParsesLiteralsAndTypedParams) {
  auto p = parse_template("/api/bookings/{id:int}/pdf");
  ASSERT_EQ(p.size(), 4u);
  EXPECT_EQ(p[0].literal, "api");
  EXPECT_TRUE(p[2].is_param);
  EXPECT_EQ(p[2].name, "id");
  EXPECT_EQ(p[2].type, "int");
  EXPECT_EQ(parse_template("/x/{name}")[1].type, "str");
}

TEST(RouteTemplate, RejectsMalformedTemplates) {
  EXPECT_THROW(parse_template("api/x"), std::invalid_argument);
  EXPECT_THROW(parse_template("/api/{id:float}"), std::invalid_argument);
  EXPECT_THROW(parse_template("/api/{p:path}/more"), std::invalid_argument);
  EXPECT_THROW(parse_template("/api/x{y}"), std::invalid_argument);
}

TEST(Router, DuplicateRouteIsRejected) {
  Router r;
  r.add(spec("GET", "/a"), noop());
  EXPECT_THROW(r.add(spec("GET", "/a"), noop()), std::invalid_argument);
  EXPECT_NO_THROW(r.add(spec("POST", "/a"), noop()));
}

TEST(Router, MatchesTable) {
  Router r;
  r.add(spec("GET", "/api/health"), noop());
  r.add(spec("GET", "/api/bookings/{id:int}"), noop());
  r.add(spec("POST", "/api/bookings/{id:int}/cancel"), noop());
  r.add(spec("GET", "/api/admin/bookings/report.pdf"), noop());
  r.add(spec("GET", "/api/admin/bookings/{id:int}/pdf"), noop());
  r.add(spec("GET", "/static/{path:path}"), noop());
  r.add(spec("GET", "/api/uploads/{id}"), noop());
  r.add(spec("POST", "/static/version"), noop());  // a literal route under a {path} tail

  struct Case {
    const char* method;
    std::vector<std::string> path;
    RouteMatch::Kind kind;
    const char* route;  // expected template when found
  };
  const std::vector<Case> cases = {
      {"GET", segs({"api", "health"}), RouteMatch::found, "/api/health"},
      {"HEAD", segs({"api", "health"}), RouteMatch::found, "/api/health"},
      {"POST", segs({"api", "health"}), RouteMatch::method_not_allowed, nullptr},
      {"GET", segs({"api", "health", ""}), RouteMatch::not_found, nullptr},
      {"GET", segs({"api", "bookings", "42"}), RouteMatch::found, "/api/bookings/{id:int}"},
      {"GET", segs({"api", "bookings", "-3"}), RouteMatch::found, "/api/bookings/{id:int}"},
      {"GET", segs({"api", "bookings", "abc"}), RouteMatch::bad_param, nullptr},
      {"GET", segs({"api", "bookings", "99999999999999999999"}), RouteMatch::bad_param, nullptr},
      {"POST", segs({"api", "bookings", "7", "cancel"}), RouteMatch::found, "/api/bookings/{id:int}/cancel"},
      {"GET", segs({"api", "bookings", "7", "cancel"}), RouteMatch::method_not_allowed, nullptr},
      {"GET", segs({"api", "admin", "bookings", "report.pdf"}), RouteMatch::found, "/api/admin/bookings/report.pdf"},
      {"GET", segs({"api", "admin", "bookings", "5", "pdf"}), RouteMatch::found, "/api/admin/bookings/{id:int}/pdf"},
      {"GET", segs({"static", "css", "site.css"}), RouteMatch::found, "/static/{path:path}"},
      {"GET", segs({"static"}), RouteMatch::not_found, nullptr},
      {"GET", segs({"api", "uploads", "AbC_-9"}), RouteMatch::found, "/api/uploads/{id}"},
      {"GET", segs({"api", "uploads", ""}), RouteMatch::not_found, nullptr},
      {"GET", segs({"nope"}), RouteMatch::not_found, nullptr},
      // Longer than any template: only {name:path} routes can match.
      {"GET", segs({"static", "a", "b", "c", "d", "e", "f", "g"}), RouteMatch::found, "/static/{path:path}"},
      {"POST", segs({"static", "a", "b", "c", "d", "e", "f", "g"}), RouteMatch::method_not_allowed, nullptr},
      {"GET", segs({"api", "admin", "bookings", "5", "pdf", "x"}), RouteMatch::not_found, nullptr},
      {"GET", segs({}), RouteMatch::not_found, nullptr},
      // Literal routes are looked up before the others are tried.
      {"HEAD", segs({"api", "admin", "bookings", "report.pdf"}), RouteMatch::found, "/api/admin/bookings/report.pdf"},
      {"POST", segs({"static", "version"}), RouteMatch::found, "/static/version"},
      {"GET", segs({"static", "version"}), RouteMatch::found, "/static/{path:path}"},
      {"PUT", segs({"static", "version"}), RouteMatch::method_not_allowed, nullptr},
      {"GET", segs({"health", "api"}), RouteMatch::not_found, nullptr},
  };
  for (const auto& c : cases) {
    auto m = r.match(c.method, c.path);
    EXPECT_EQ(m.kind, c.kind) << c.method << " /" << (c.path.empty() ? "" : c.path[0]) << " size " << c.path.size();
    if (c.route && m.route) { EXPECT_EQ(m.route->spec.path, c.route); }
  }
}

TEST(Router, ExtractsDecodedParams) {
  Router r;
  r.add(spec("GET", "/static/{path:path}"), noop());
  r.add(spec("GET", "/api/bookings/{id:int}"), noop());
  auto m = r.match("GET", segs({"static", "a b", "c.txt"}));
  ASSERT_EQ(m.kind, RouteMatch::found);
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0].second, "a b/c.txt");
  auto b = r.match("GET", segs({"api", "bookings", "12"}));
  EXPECT_EQ(b.params[0], (std::pair<std::string, std::string>{"id", "12"}));
}

TEST(Router, MethodNotAllowedListsAllowIncludingHeadForGet) {
  Router r;
  r.add(spec("GET", "/x"), noop());
  r.add(spec("DELETE", "/x"), noop());
  auto m = r.match("PUT", segs({"x"}));
  EXPECT_EQ(m.kind, RouteMatch::method_not_allowed);
  EXPECT_EQ(m.allow, "DELETE, GET, HEAD");
}

TEST(Router, BadIntParamNamesTheParameter) {
  Router r;
  r.add(spec("GET", "/api/bookings/{id:int}"), noop());
  auto m = r.match("GET", segs({"api", "bookings", "1.5"}));
  ASSERT_EQ(m.kind, RouteMatch::bad_param);
  ASSERT_EQ(m.issues.size(), 1u);
  EXPECT_EQ(m.issues[0].to_json()["loc"], nlohmann::json::array({"path", "id"}));
  EXPECT_EQ(m.issues[0].type, "int_parsing");
}

TEST(Router, LiteralBeatsParamRegardlessOfOrder) {
  Router r;
  r.add(spec("GET", "/a/{name}"), noop());
  r.add(spec("GET", "/a/special"), noop());
  auto m = r.match("GET", segs({"a", "special"}));
  ASSERT_EQ(m.kind, RouteMatch::found);
  EXPECT_EQ(m.route->spec.path, "/a/special");
}
