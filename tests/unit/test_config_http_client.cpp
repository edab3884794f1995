// The outbound HTTP client's configuration (KEEL_HTTP_CA_FILE).
#include "app/config.hpp"

#include <gtest/gtest.h>

using namespace keel;

TEST(ConfigHttpClient, CaFileFromEnvironmentOrFlag) {
  EXPECT_EQ(parse_invocation({}, {}).config.http_ca_file, "");
  EXPECT_EQ(parse_invocation({}, {{"KEEL_HTTP_CA_FILE", "/etc/keel/ca.pem"}}).config.http_ca_file, "/etc/keel/ca.pem");
  EXPECT_EQ(parse_invocation({"--http-ca-file", "/tmp/ca.pem"}, {}).config.http_ca_file, "/tmp/ca.pem");
  EXPECT_THROW(parse_invocation({}, {{"KEEL_HTTP_CA_FILE", ""}}), ConfigError);
}
