// /api/health's "redis" field against a real redis-server: off until
// something uses Redis, ok once connected, down when Redis goes away and ok
// again when it is back; Redis down never changes health's status code.
#include "e2e/redis_support.hpp"
#include "e2e/support.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace {

std::string redis_field(unsigned port) { return e2e::get(port, "/api/health").json().value("redis", "(missing)"); }

bool wait_redis_field(unsigned port, const std::string& want, double within_s) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(within_s);
  while (std::chrono::steady_clock::now() < deadline) {
    if (redis_field(port) == want) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return redis_field(port) == want;
}

}  // namespace

TEST(RedisHealth, ReportsTheConnectionsStateWithoutDegradingHealth) {
  e2e::RedisServer redis;
  e2e::Keel keel({{"KEEL_REDIS_URL", redis.url()}});
  auto before = e2e::get(keel.port(), "/api/health");
  EXPECT_EQ(before.json()["redis"], "off");  // nothing needed Redis yet
  EXPECT_EQ(redis.client_count(), 0u);       // and no connection was opened

  EXPECT_EQ(e2e::get(keel.port(), "/api/_test/redis_ping").status, 200);
  EXPECT_EQ(redis_field(keel.port()), "ok");
  EXPECT_EQ(redis.client_count(), 1u);

  redis.kill();
  EXPECT_TRUE(wait_redis_field(keel.port(), "down", 3));
  EXPECT_EQ(e2e::get(keel.port(), "/api/health").status, before.status);
  auto failed = e2e::get(keel.port(), "/api/_test/redis_ping");
  EXPECT_EQ(failed.status, 503);
  EXPECT_NE(failed.json()["detail"].get<std::string>().find("redis unavailable"), std::string::npos) << failed.body;

  redis.start();
  EXPECT_TRUE(wait_redis_field(keel.port(), "ok", 6));
  EXPECT_EQ(redis.client_count(), 1u);
  EXPECT_EQ(keel.stop(), 0);
  EXPECT_EQ(redis.client_count(), 0u);  // closed at shutdown
}

TEST(RedisHealth, AnInvalidRedisUrlExits2NamingTheVariable) {
  auto [code, out] = e2e::Keel::run({"--help"}, {{"KEEL_REDIS_URL", "rediss://:secret@h/0"}});
  EXPECT_EQ(code, 2) << out;
  EXPECT_NE(out.find("KEEL_REDIS_URL"), std::string::npos) << out;
  EXPECT_EQ(out.find("secret"), std::string::npos) << out;  // the password is not echoed
}
