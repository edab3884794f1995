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
      {"a@b.co", true},
      {"first.last+tag@sub.example.org", true},
      {"zoë@exämple.se", true},
      {"", false},
      {"plain", false},
      {"@example.com", false},
      {"a@", false},
      {"a@b", false},
      {"a@@b.com", false},
      {"a@b@c.com", false},
      {"a b@c.com", false},
      {"a@b .com", false},
      {"a@.com", false},
      {"a@b.", false},
      {"a@b..com", false},
      {"a\n@b.com", false},
  };
  for (const auto& c : cases) EXPECT_EQ(valid_email(c.s), c.ok) << c.s;
  EXPECT_TRUE(valid_email(std::string(240, 'a') + "@example.com"));   // 252
  EXPECT_FALSE(valid_email(std::string(243, 'a') + "@example.com"));  // 255
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
  EXPECT_EQ(types(m.validate({{"name", "ab"}, {"age", 99999999999999999}})),
            std::vector<std::string>{"less_than_equal"});
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

TEST(Model, StringsMustBeValidUtf8) {
  // A percent-decoded query value can hold any bytes; JSON strings cannot.
  Model m = sample();
  for (const char* bad : {"a\xC0\x80", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xC3"}) {
    auto issues = m.validate_query({{"name", bad}, {"age", "7"}});
    ASSERT_EQ(issues.size(), 1u) << bad;
    EXPECT_EQ(issues[0].type, "string_unicode");
    EXPECT_EQ(issues[0].to_json()["loc"], json::array({"query", "name"}));
  }
  EXPECT_TRUE(m.validate_query({{"name", "Zo\xC3\xAB"}, {"age", "7"}}).empty());
}
