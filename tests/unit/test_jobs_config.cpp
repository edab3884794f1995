// The jobs' configuration (app/config.cpp): intervals, defaults that depend
// on the URLs, and errors that name the variable.
#include "app/config.hpp"

#include <gtest/gtest.h>

using namespace keel;

namespace {
Config parse(std::map<std::string, std::string> env) { return parse_invocation({}, env).config; }
std::string error_of(std::map<std::string, std::string> env) {
  try {
    parse(std::move(env));
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(JobsConfig, Defaults) {
  Config c = parse({});
  EXPECT_EQ(c.instance, "");
  EXPECT_EQ(c.job_market.every_s, 0u) << "off while KEEL_MARKET_URL is unset";
  EXPECT_EQ(c.job_market.timeout_s, 30u);
  EXPECT_TRUE(c.job_market.at_start);
  EXPECT_EQ(c.job_report.every_s, 6u * 3600);
  EXPECT_EQ(c.job_report.timeout_s, 600u);
  EXPECT_FALSE(c.job_report.at_start);
  EXPECT_EQ(c.job_data_sync.every_s, 0u) << "off while KEEL_DATA_SOURCE_URL is unset";
  EXPECT_EQ(c.job_data_sync.timeout_s, 3600u);
  EXPECT_FALSE(c.job_data_sync.at_start);
}

TEST(JobsConfig, UrlsTurnTheirJobsOn) {
  Config c = parse({{"KEEL_MARKET_URL", "http://127.0.0.1:9/m.json"}, {"KEEL_DATA_SOURCE_URL", "http://x/d.csv"}});
  EXPECT_EQ(c.job_market.every_s, 180u);
  EXPECT_EQ(c.job_data_sync.every_s, 3600u);
  EXPECT_EQ(c.market_url, "http://127.0.0.1:9/m.json");
  EXPECT_EQ(c.data_source_url, "http://x/d.csv");
  Config d = parse({{"KEEL_MARKET_URL", "http://m"}, {"KEEL_JOB_MARKET_EVERY", "90S"},
                    {"KEEL_JOB_REPORT_EVERY", "off"}, {"KEEL_JOB_REPORT_TIMEOUT", "1h"},
                    {"KEEL_JOB_DATA_SYNC_EVERY", "1d"}, {"KEEL_JOB_MARKET_AT_START", "0"},
                    {"KEEL_INSTANCE", "web-1"}});
  EXPECT_EQ(d.job_market.every_s, 90u);
  EXPECT_FALSE(d.job_market.at_start);
  EXPECT_EQ(d.job_report.every_s, 0u);
  EXPECT_EQ(d.job_report.timeout_s, 3600u);
  EXPECT_EQ(d.job_data_sync.every_s, 0u) << "no source URL: off whatever the interval";
  EXPECT_EQ(d.instance, "web-1");
}

TEST(JobsConfig, BadValuesNameTheVariable) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"KEEL_JOB_MARKET_EVERY", "3"},     {"KEEL_JOB_REPORT_EVERY", "8d"},   {"KEEL_JOB_DATA_SYNC_EVERY", "0s"},
      {"KEEL_JOB_REPORT_TIMEOUT", "off"}, {"KEEL_JOB_MARKET_TIMEOUT", "1w"}, {"KEEL_JOB_REPORT_AT_START", "maybe"},
      {"KEEL_INSTANCE", ""},
  };
  for (const auto& [name, value] : cases) {
    const std::string e = error_of({{name, value}});
    EXPECT_EQ(e.rfind(name + ":", 0), 0u) << name << "=" << value << " -> " << e;
  }
}
