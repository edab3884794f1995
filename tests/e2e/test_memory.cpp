// Memory protection and concurrency bounds against the real binary.
#include "e2e/support.hpp"

#include <gtest/gtest.h>

#include <sys/resource.h>
#include <algorithm>
#include <cmath>
#include <memory>

using namespace e2e;
using nlohmann::json;

namespace {
void raise_fd_limit() {
  rlimit r{};
  getrlimit(RLIMIT_NOFILE, &r);
  r.rlim_cur = r.rlim_max;
  setrlimit(RLIMIT_NOFILE, &r);
}
}  // namespace

TEST(Memory, CriticalBudgetRejectsAllButHealthAndRoomyBudgetServes) {
  TestDatabase db;
  std::uint64_t rss = 0;
  {
    Keel roomy(Env{{"KEEL_DB_URL", db.url}, {"KEEL_AUTO_MIGRATE", "1"}, {"KEEL_MEMORY_LIMIT_MB", "4096"}});
    auto m = get(roomy.port(), "/api/health/memory").json();
    EXPECT_EQ(m["limit_source"], "config");
    EXPECT_EQ(m["limit_bytes"], 4096ull << 20);
    EXPECT_EQ(m["state"], "ok");
    rss = m["rss_bytes"];
    EXPECT_EQ(get(roomy.port(), "/api/bookings/1", {{"Authorization", "Bearer x"}}).status, 404);
    EXPECT_EQ(get(roomy.port(), "/api/nope").status, 404);
  }
  // A budget at the idle RSS, rounded down to whole MiB: the real RSS is
  // over 90 % of it (rounding up could leave up to a MiB, 12 % of 8 MiB).
  unsigned limit_mb = std::max(1u, static_cast<unsigned>(std::floor(static_cast<double>(rss) / (1 << 20))));
  Keel tight(Env{{"KEEL_DB_URL", db.url}, {"KEEL_MEMORY_LIMIT_MB", std::to_string(limit_mb)}});
  auto m = get(tight.port(), "/api/health/memory");
  ASSERT_EQ(m.status, 200);
  EXPECT_EQ(m.json()["state"], "critical") << m.body;
  EXPECT_EQ(get(tight.port(), "/api/health").status, 200);
  for (const char* path : {"/api/bookings/1", "/api/nope", "/static/x.txt"}) {
    auto r = get(tight.port(), path, {{"Authorization", "Bearer x"}});
    EXPECT_EQ(r.status, 503) << path;
    EXPECT_EQ(r.header("Retry-After").value_or(""), "5");
    EXPECT_EQ(r.json(), json({{"detail", "server under memory pressure, retry later"}}));
  }
  // Refused before any body byte: only the header is sent.
  Conn c(tight.port(), 5);
  c.send("POST /api/uploads HTTP/1.1\r\nHost: x\r\nX-API-Key: k\r\nContent-Length: 100000000\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_GE(get(tight.port(), "/api/health/memory").json()["rejected_total"].get<int>(), 4);
  EXPECT_NE(tight.log().find("memory state ok -> critical"), std::string::npos);
}

TEST(Memory, ThousandIdleConnectionsDoNotStarveANormalClient) {
  raise_fd_limit();
  TestDatabase db;
  Keel k(Env{{"KEEL_DB_URL", db.url}, {"KEEL_AUTO_MIGRATE", "1"}});
  std::vector<std::unique_ptr<Conn>> idle;
  for (int i = 0; i < 1000; ++i) {
    idle.push_back(std::make_unique<Conn>(k.port(), 5));
    ASSERT_GE(idle.back()->fd(), 0) << i;
  }
  // Half of them sent half a request; all stay open.
  for (int i = 0; i < 500; ++i) idle[i]->send("GET /api/health HTTP/1.1\r\n");
  for (int i = 0; i < 20; ++i) {
    auto r = get(k.port(), "/api/health");
    EXPECT_EQ(r.status, 200);
  }
  auto m = get(k.port(), "/api/health/memory").json();
  EXPECT_GE(m["limits"]["connections"]["in_use"].get<int>(), 1000);
  EXPECT_EQ(m["limits"]["connections"]["max"], 1024);
#ifndef __SANITIZE_ADDRESS__  // ASan's shadow memory and quarantine inflate RSS
  EXPECT_LT(m["rss_bytes"].get<long long>(), 64ll << 20);
#endif
}

TEST(Memory, ConnectionsPastTheBoundGet503) {
  raise_fd_limit();
  Keel k(Env{{"KEEL_MAX_CONNECTIONS", "5"}});
  std::vector<std::unique_ptr<Conn>> held;
  for (int i = 0; i < 5; ++i) held.push_back(std::make_unique<Conn>(k.port(), 5));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  Conn extra(k.port(), 5);
  auto r = extra.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_TRUE(r->json()["detail"].is_string());
  held.clear();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(get(k.port(), "/api/health").status, 200);
}
