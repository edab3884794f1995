// The market job's configuration (KEEL_MARKET_TTL_S; the URL turning the job on).
#include "app/config.hpp"

#include <gtest/gtest.h>

#include <vector>

using namespace keel;

TEST(ConfigMarket, TtlFromEnvironmentOrFlag) {
  EXPECT_EQ(parse_invocation({}, {}).config.market_ttl_s, 3600u);
  EXPECT_EQ(parse_invocation({}, {{"KEEL_MARKET_TTL_S", "600"}}).config.market_ttl_s, 600u);
  EXPECT_EQ(parse_invocation({"--market-ttl-s", "7200"}, {}).config.market_ttl_s, 7200u);
  for (const char* bad : {"0", "-1", "1h", "", "604801"}) {
    try {
      parse_invocation({}, {{"KEEL_MARKET_TTL_S", bad}});
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("KEEL_MARKET_TTL_S"), std::string::npos) << e.what();
    }
  }
}

TEST(ConfigMarket, TheJobIsOffWithoutAnUpstreamUrl) {
  EXPECT_EQ(parse_invocation({}, {}).config.job_market.every_s, 0u);
  EXPECT_EQ(parse_invocation({}, {{"KEEL_MARKET_URL", "http://feed/x.json"}}).config.job_market.every_s, 180u);
}
