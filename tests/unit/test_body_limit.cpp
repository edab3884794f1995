// The body-limit guard: a declared Content-Length over the cap is answered
// 413 before a byte is read; the cap is the route's own when it has one
// below KEEL_MAX_BODY_MB, the ceiling otherwise; uploads keep theirs.
#include "http/router.hpp"
#include "http/string_body.hpp"
#include "middleware/body_limit.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace keel;

TEST(BodyLimit, DeclaredLengthAgainstTheRouteCapTable) {
  constexpr std::uint64_t kMaxBody = 1000, kMaxUpload = 5000;
  Guard guard = body_limit_guard(kMaxBody, kMaxUpload);
  struct Case {
    BodyKind kind;
    std::uint64_t route_cap;  // RouteSpec::max_body_bytes
    std::size_t length;
    bool refused;
  };
  const Case cases[] = {
      {BodyKind::json, 0, 1000, false},    {BodyKind::json, 0, 1001, true},
      {BodyKind::json, 100, 100, false},   {BodyKind::json, 100, 101, true},
      {BodyKind::json, 2000, 1000, false}, {BodyKind::json, 2000, 1001, true},  // the ceiling still holds
      {BodyKind::none, 100, 101, true},    {BodyKind::stream, 0, 5000, false},
      {BodyKind::stream, 0, 5001, true},
  };
  for (const auto& c : cases) {
    Route route;
    route.spec.body = c.kind;
    route.spec.max_body_bytes = c.route_cap;
    std::string bytes(c.length, ' ');
    StringBody body(bytes);
    Request req;
    req.body = &body;
    req.route = &route;
    auto answer = guard(req);
    ASSERT_EQ(answer.has_value(), c.refused)
        << static_cast<int>(c.kind) << " cap " << c.route_cap << " length " << c.length;
    if (answer) {
      EXPECT_EQ(answer->status, 413);
      EXPECT_EQ(body.done(), false);  // nothing read
    }
  }
  // Without a length (chunked) the guard lets it through: the reader caps it.
  Route route;
  route.spec.body = BodyKind::json;
  route.spec.max_body_bytes = 10;
  std::string bytes(100, ' ');
  StringBody chunked(bytes, true);
  Request req;
  req.body = &chunked;
  req.route = &route;
  EXPECT_FALSE(guard(req).has_value());
}
