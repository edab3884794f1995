// The memory protection guard: in the critical state it refuses every
// request except those whose route opted out (RouteSpec::memory_guard =
// false, set by the health routes), whatever the request's path says.
#include "http/router.hpp"
#include "middleware/memory_protection.hpp"
#include "services/memory/monitor.hpp"

#include <gtest/gtest.h>

using namespace keel;

TEST(MemoryGuard, TheRouteDecidesNotThePath) {
  memory::Monitor critical(1ull << 20, 85, 90);  // 1 MiB: any process is over it
  memory::Monitor roomy(1ull << 50, 85, 90);
  ASSERT_EQ(critical.state(), memory::State::critical);
  ASSERT_EQ(roomy.state(), memory::State::ok);
  Route guarded, exempt;
  exempt.spec.memory_guard = false;
  struct Case {
    memory::Monitor* monitor;
    const Route* route;  // null: no route matched (404/405)
    const char* path;
    int status;  // 0: let through
  };
  const Case cases[] = {
      {&critical, &exempt, "/api/health", 0},
      {&critical, &exempt, "/api/anything/else", 0},  // an opted-out route, whatever its path
      {&critical, &guarded, "/api/health", 503},      // the path alone exempts nothing
      {&critical, &guarded, "/api/bookings/1", 503},
      {&critical, nullptr, "/api/health/memory", 503},
      {&critical, nullptr, "/api/nope", 503},
      {&roomy, &guarded, "/api/bookings/1", 0},
      {&roomy, nullptr, "/api/nope", 0},
  };
  for (const auto& c : cases) {
    Guard guard = memory_protection_guard(*c.monitor);
    Request req;
    req.path = c.path;
    req.route = c.route;
    const auto before = c.monitor->rejected_total();
    std::optional<Response> r = guard(req);
    if (c.status == 0) {
      EXPECT_FALSE(r.has_value()) << c.path;
      EXPECT_EQ(c.monitor->rejected_total(), before) << c.path;
      continue;
    }
    ASSERT_TRUE(r.has_value()) << c.path;
    EXPECT_EQ(r->status, c.status) << c.path;
    EXPECT_EQ(r->headers.get("Retry-After").value_or(""), "5");
    EXPECT_EQ(std::get<std::string>(r->body), R"({"detail":"server under memory pressure, retry later"})");
    EXPECT_EQ(c.monitor->rejected_total(), before + 1) << c.path;
  }
}
