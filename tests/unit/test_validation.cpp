#include "http/validation.hpp"

#include <gtest/gtest.h>

using namespace keel::validation;
using nlohmann::json;

TEST(Email, RulesTable) {
  struct Case {
    const char* s;
    bool ok;
  };
  const Case cases[] = {
      {"a@b.co", true},          {"first.last+tag@sub.example.org", true}, {"zoë@exämple.se", true},
      {"", false},               {"plain", false},                         {"@example.com", false},
      {"a@", false},             {"a@b", false},                           {"a@@b.com", false},
      {"a@b@c.com", false},      {"a b@c.com", false},                     {"a@b .com", false},
      {"a@.com", false},         {"a@b.", false},                          {"a@b..com", false},
      {"a\n@b.com", false},
  };
  for (const auto& c : cases) EXPECT_EQ(valid_email(c.s), c.ok) << c.s;
  EXPECT_TRUE(valid_email(std::string(240, 'a') + "@example.com"));  // 252
  EXPECT_FALSE(valid_email(std::string(243, 'a') + "@example.com"));  // 255
}

TEST(Datetime, ParsesIsoWithOffsetToUtc) {
  EXPECT_EQ(parse_datetime("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_datetime("2026-12-01T09:30:00+01:00"), parse_datetime("2026-12-01T08:30:00Z"));
  EXPECT_EQ(parse_datetime("2026-12-01T09:30:00-0230"), parse_datetime("2026-12-01T12:00:00Z"));
  EXPECT_EQ(parse_datetime("2026-12-01T09:30:00.123456Z"), parse_datetime("2026-12-01T09:30:00Z"));
  EXPECT_EQ(parse_datetime("2024-02-29T00:00Z"), parse_datetime("2024-02-29T00:00:00Z"));
  EXPECT_EQ(format_utc(*parse_datetime("2026-12-01T09:30:00+01:00")), "2026-12-01T08:30:00Z");
}

TEST(Datetime, RejectsBadInput) {
  for (const char* s : {"", "2026-12-01", "2026-12-01T09:30:00", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
                        "2026-04-31T00:00:00Z", "2026-12-01T24:00:00Z", "2026-12-01T09:60:00Z", "2026-12-01T09:30:00+25:00",
                        "2026-12-01T09:30:00Zjunk", "26-12-01T09:30:00Z", "tomorrow", "2026-12-01T09:30:00.Z"})
    EXPECT_FALSE(parse_datetime(s).has_value()) << s;
  EXPECT_TRUE(parse_datetime("2026-12-01", false).has_value());
  EXPECT_TRUE(parse_datetime("2026-12-01T09:30:00", false).has_value());
}

namespace {
Model sample() {
  return Model{"Sample",
               {Field{.name = "name", .min_length = 1, .max_length = 5},
                Field{.name = "age", .kind = Kind::integer, .minimum = 1, .maximum = 10},
                Field{.name = "note", .required = false, .nullable = true},
                Field{.name = "color", .kind = Kind::enumeration, .required = false, .enum_values = {"red", "blue"}}}};
}
std::vector<std::string> types(const std::vector<keel::ValidationIssue>& v) {
  std::vector<std::string> out;
  for (const auto& i : v) out.push_back(i.type);
  return out;
}
}  // namespace

TEST(Model, ValidatesStrictlyWithPydanticTypes) {
  Model m = sample();
  EXPECT_TRUE(m.validate({{"name", "ab"}, {"age", 3}}).empty());
  EXPECT_TRUE(m.validate({{"name", "ab"}, {"age", 3}, {"note", nullptr}}).empty());
  EXPECT_EQ(types(m.validate({{"age", 3}})), std::vector<std::string>{"missing"});
  EXPECT_EQ(types(m.validate({{"name", "ab"}, {"age", "3"}})), std::vector<std::string>{"int_type"});
  EXPECT_EQ(types(m.validate({{"name", "ab"}, {"age", 3.0}})), std::vector<std::string>{"int_type"});
  EXPECT_EQ(types(m.validate({{"name", "ab"}, {"age", true}})), std::vector<std::string>{"int_type"});
  EXPECT_EQ(types(m.validate({{"name", "ab"}, {"age", 0}})), std::vector<std::string>{"greater_than_equal"});
  EXPECT_EQ(types(m.validate({{"name", "ab"}, {"age", 11}})), std::vector<std::string>{"less_than_equal"});
  EXPECT_EQ(types(m.validate({{"name", "ab"}, {"age", 99999999999999999}})), std::vector<std::string>{"less_than_equal"});
  EXPECT_EQ(types(m.validate({{"name", ""}, {"age", 1}})), std::vector<std::string>{"string_too_short"});
  EXPECT_EQ(types(m.validate({{"name", "ååååå"}, {"age", 1}})).size(), 0u);  // 5 characters, 10 bytes
  EXPECT_EQ(types(m.validate({{"name", "abcdef"}, {"age", 1}})), std::vector<std::string>{"string_too_long"});
  EXPECT_EQ(types(m.validate({{"name", "ab"}, {"age", 1}, {"color", "green"}})), std::vector<std::string>{"enum"});
  EXPECT_EQ(types(m.validate({{"name", "ab"}, {"age", 1}, {"x", 1}})), std::vector<std::string>{"extra_forbidden"});
  EXPECT_EQ(types(m.validate(json::array())), std::vector<std::string>{"model_attributes_type"});
  auto many = m.validate({{"name", 1}, {"age", "x"}});
  ASSERT_EQ(many.size(), 2u);
  EXPECT_EQ(many[0].to_json()["loc"], json::array({"body", "name"}));
  EXPECT_EQ(many[1].to_json()["loc"], json::array({"body", "age"}));
}

TEST(Model, QueryParametersAreParsedFromStrings) {
  Model m = sample();
  std::vector<std::pair<std::string, std::string>> q = {{"name", "ab"}, {"age", "7"}};
  EXPECT_TRUE(m.validate_query(q).empty());
  q[1].second = "seven";
  auto issues = m.validate_query(q);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].type, "int_parsing");
  EXPECT_EQ(issues[0].to_json()["loc"], json::array({"query", "age"}));
  q[1].second = "70";
  EXPECT_EQ(m.validate_query(q)[0].type, "less_than_equal");
}

TEST(Model, JsonSchemaCarriesTheSameRules) {
  json s = sample().json_schema();
  EXPECT_EQ(s["type"], "object");
  EXPECT_EQ(s["additionalProperties"], false);
  EXPECT_EQ(s["required"], json::array({"name", "age"}));
  EXPECT_EQ(s["properties"]["name"]["minLength"], 1);
  EXPECT_EQ(s["properties"]["name"]["maxLength"], 5);
  EXPECT_EQ(s["properties"]["age"]["type"], "integer");
  EXPECT_EQ(s["properties"]["age"]["minimum"], 1);
  EXPECT_EQ(s["properties"]["age"]["maximum"], 10);
  EXPECT_EQ(s["properties"]["note"]["type"], json::array({"string", "null"}));
  EXPECT_EQ(s["properties"]["color"]["enum"], json::array({"red", "blue"}));
}

TEST(Utf8, LengthAndValidity) {
  EXPECT_EQ(utf8_length("Zoë"), 3u);
  EXPECT_EQ(utf8_length("Дмитрий"), 7u);
  EXPECT_TRUE(valid_utf8("Ελένη"));
  EXPECT_FALSE(valid_utf8("\xff\xfe"));
  EXPECT_FALSE(valid_utf8("\xc3"));
}
