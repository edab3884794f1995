#include "app/config.hpp"

#include <gtest/gtest.h>

using keel::ConfigError;
using keel::parse_invocation;

TEST(RedisConfig, DefaultFlagAndVariable) {
  EXPECT_EQ(parse_invocation({}, {}).config.redis_url, "redis://127.0.0.1:6380/0");
  EXPECT_EQ(parse_invocation({}, {{"KEEL_REDIS_URL", "redis://:pw@cache:6379/2"}}).config.redis_url,
            "redis://:pw@cache:6379/2");
  EXPECT_EQ(parse_invocation({"--redis-url", "redis://h"}, {{"KEEL_REDIS_URL", "redis://other"}}).config.redis_url,
            "redis://h");
}

TEST(RedisConfig, AnInvalidUrlNamesTheVariableAndHidesTheValue) {
  for (const char* bad : {"", "rediss://:secret@h/0", "redis://:secret@h:99999/0", "redis://:secret@h/x"}) {
    SCOPED_TRACE(bad);
    try {
      parse_invocation({}, {{"KEEL_REDIS_URL", bad}});
      ADD_FAILURE() << "accepted";
    } catch (const ConfigError& e) {
      const std::string message = e.what();
      EXPECT_EQ(message.rfind("KEEL_REDIS_URL: ", 0), 0u) << message;
      EXPECT_EQ(message.find("secret"), std::string::npos) << message;
    }
  }
  try {
    parse_invocation({"--redis-url=http://h"}, {});
    ADD_FAILURE() << "accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("--redis-url: ", 0), 0u) << e.what();
  }
}
