#include "services/redis/url.hpp"

#include <gtest/gtest.h>

using keel::redis::parse_redis_url;
using keel::redis::RedisUrl;
using keel::redis::without_credentials;

TEST(RedisUrl, AcceptedForms) {
  struct Case {
    const char* url;
    RedisUrl want;
  };
  const Case cases[] = {
      {"redis://127.0.0.1:6380/0", {.host = "127.0.0.1", .port = 6380, .db = 0}},
      {"redis://cache.internal", {.host = "cache.internal", .port = 6379, .db = 0}},
      {"redis://cache.internal/", {.host = "cache.internal", .port = 6379, .db = 0}},
      {"redis://h:1/15", {.host = "h", .port = 1, .db = 15}},
      {"redis://:s3cret@h:6390/2", {.password = "s3cret", .host = "h", .port = 6390, .db = 2}},
      {"redis://app:s3cret@h", {.user = "app", .password = "s3cret", .host = "h"}},
      {"redis://app:p%40ss%3Aw%2Fd@h", {.user = "app", .password = "p@ss:w/d", .host = "h"}},
      {"redis://[::1]:6381/3", {.host = "::1", .port = 6381, .db = 3}},
      {"redis://[::1]", {.host = "::1", .port = 6379}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.url);
    auto u = parse_redis_url(c.url);
    ASSERT_TRUE(u);
    EXPECT_EQ(u->user, c.want.user);
    EXPECT_EQ(u->password, c.want.password);
    EXPECT_EQ(u->host, c.want.host);
    EXPECT_EQ(u->port, c.want.port);
    EXPECT_EQ(u->db, c.want.db);
  }
}

TEST(RedisUrl, RefusedForms) {
  const char* cases[] = {
      "",
      "127.0.0.1:6379",
      "rediss://h:6379/0",      // TLS: not supported
      "http://h:6379/0",
      "redis://",
      "redis:///0",
      "redis://h:0/0",
      "redis://h:65536/0",
      "redis://h:x/0",
      "redis://h:/0",
      "redis://h/db",
      "redis://h/-1",
      "redis://h/65536",
      "redis://h/0/1",
      "redis://h/0?timeout=1",
      "redis://h/0#x",
      "redis://user@h/0",       // a user and no password
      "redis://:@h/0",
      "redis://:p%zz@h/0",
      "redis://[::1/0",
  };
  for (const char* url : cases) {
    SCOPED_TRACE(url);
    EXPECT_FALSE(parse_redis_url(url));
  }
}

TEST(RedisUrl, RenderedWithoutCredentials) {
  auto u = parse_redis_url("redis://app:s3cret@cache:6390/4");
  ASSERT_TRUE(u);
  EXPECT_EQ(without_credentials(*u), "redis://cache:6390/4");
  u = parse_redis_url("redis://:pw@[::1]");
  ASSERT_TRUE(u);
  EXPECT_EQ(without_credentials(*u), "redis://[::1]:6379/0");
}
