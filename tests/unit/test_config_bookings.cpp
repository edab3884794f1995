// KEEL_BUSINESS_TZ and KEEL_BOOKING_HORIZON_DAYS.
#include "app/config.hpp"

#include <gtest/gtest.h>

using namespace keel;

namespace {
std::string error_of(std::map<std::string, std::string> env) {
  try {
    parse_invocation({}, env);
  } catch (const ConfigError& e) { return e.what(); }
  return "";
}
}  // namespace

TEST(ConfigBookings, Defaults) {
  auto c = parse_invocation({}, {}).config;
  EXPECT_EQ(c.business_tz, "UTC");
  EXPECT_EQ(c.booking_horizon_days, 90u);
}

TEST(ConfigBookings, ValidValues) {
  auto c = parse_invocation({}, {{"KEEL_BUSINESS_TZ", "Europe/Berlin"}, {"KEEL_BOOKING_HORIZON_DAYS", "3650"}}).config;
  EXPECT_EQ(c.business_tz, "Europe/Berlin");
  EXPECT_EQ(c.booking_horizon_days, 3650u);
  c = parse_invocation({"--business-tz", "America/New_York", "--booking-horizon-days", "1"}, {}).config;
  EXPECT_EQ(c.business_tz, "America/New_York");
  EXPECT_EQ(c.booking_horizon_days, 1u);
}

TEST(ConfigBookings, BadValuesNameTheVariable) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"KEEL_BUSINESS_TZ", "Mars/Base"}, {"KEEL_BUSINESS_TZ", ""},          {"KEEL_BUSINESS_TZ", "../../etc/passwd"},
      {"KEEL_BUSINESS_TZ", "CET "},      {"KEEL_BOOKING_HORIZON_DAYS", "0"}, {"KEEL_BOOKING_HORIZON_DAYS", "3651"},
      {"KEEL_BOOKING_HORIZON_DAYS", "x"},
  };
  for (const auto& [name, value] : cases) {
    std::string err = error_of({{name, value}});
    EXPECT_NE(err.find(name), std::string::npos) << name << "=" << value << ": '" << err << "'";
  }
}
