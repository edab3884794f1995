// The data-sync job's configuration: the dataset, delimiter and encoding of
// the pulled CSV, validated like `keel sync-csv`'s options.
#include "app/config.hpp"

#include <gtest/gtest.h>

using namespace keel;

TEST(ConfigDataSync, Defaults) {
  const Config c = parse_invocation({}, {}).config;
  EXPECT_EQ(c.data_source_dataset, "default");
  EXPECT_EQ(c.data_source_delimiter, ',');
  EXPECT_EQ(c.data_source_encoding, "utf-8");
  EXPECT_EQ(c.job_data_sync.every_s, 0u) << "off without KEEL_DATA_SOURCE_URL";
  const Config on = parse_invocation({}, {{"KEEL_DATA_SOURCE_URL", "https://partner.example/feed.csv"}}).config;
  EXPECT_EQ(on.job_data_sync.every_s, 3600u);
  EXPECT_EQ(on.job_data_sync.timeout_s, 3600u);
}

TEST(ConfigDataSync, ValidValues) {
  const struct {
    const char* env;
    const char* value;
    char delimiter;
  } delimiters[] = {{"KEEL_DATA_SOURCE_DELIMITER", ";", ';'},
                    {"KEEL_DATA_SOURCE_DELIMITER", "tab", '\t'},
                    {"KEEL_DATA_SOURCE_DELIMITER", "|", '|'}};
  for (const auto& d : delimiters)
    EXPECT_EQ(parse_invocation({}, {{d.env, d.value}}).config.data_source_delimiter, d.delimiter) << d.value;
  EXPECT_EQ(parse_invocation({}, {{"KEEL_DATA_SOURCE_ENCODING", "latin-1"}}).config.data_source_encoding, "latin-1");
  EXPECT_EQ(parse_invocation({"--data-source-dataset", "partner_1"}, {}).config.data_source_dataset, "partner_1");
}

TEST(ConfigDataSync, BadValuesNameTheVariable) {
  const std::pair<const char*, const char*> bad[] = {{"KEEL_DATA_SOURCE_DELIMITER", "x"},
                                                     {"KEEL_DATA_SOURCE_DELIMITER", ",,"},
                                                     {"KEEL_DATA_SOURCE_ENCODING", "ebcdic"},
                                                     {"KEEL_DATA_SOURCE_DATASET", "Bad Name"},
                                                     {"KEEL_DATA_SOURCE_DATASET", "../etc"}};
  for (const auto& [name, value] : bad) {
    try {
      parse_invocation({}, {{name, value}});
      ADD_FAILURE() << name << "=" << value << " accepted";
    } catch (const ConfigError& e) { EXPECT_NE(std::string(e.what()).find(name), std::string::npos) << e.what(); }
  }
}
