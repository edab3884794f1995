#include "http/text/percent.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

using namespace keel::text;
using namespace std::string_literals;

TEST(Percent, DecodeTable) {
  struct Case {
    const char* in;
    std::optional<std::string> out;
  };
  const Case cases[] = {
      {"", ""},
      {"plain.txt", "plain.txt"},
      {"a%20b", "a b"},
      {"%41%42", "AB"},
      {"%2f%2F", "//"},  // either case of hex digit
      {"a+b", "a+b"},    // '+' is not a space here
      {"%25", "%"},
      {"%00", "\0"s},  // decoded as given; callers judge the bytes
      {"%C3%A9", "\xC3\xA9"},
      {"%C0%80", "\xC0\x80"},          // not UTF-8, but a valid escape
      {"caf\xC3\xA9", "caf\xC3\xA9"},  // raw bytes pass through
      {"%", std::nullopt},             // bad escapes are reported
      {"%4", std::nullopt},
      {"a%", std::nullopt},
      {"%zz", std::nullopt},
      {"%4g", std::nullopt},
      {"%g4", std::nullopt},
      {"ok%2", std::nullopt},
  };
  for (const auto& c : cases) EXPECT_EQ(percent_decode(c.in), c.out) << c.in;
}

TEST(Percent, EncodeKeepsOnlyAttrChars) {
  EXPECT_EQ(percent_encode_attr_chars("azAZ09!#$&+-.^_`|~"), "azAZ09!#$&+-.^_`|~");
  EXPECT_EQ(percent_encode_attr_chars(" \"%'*,/:;<=>?@[\\]{}()"),
            "%20%22%25%27%2A%2C%2F%3A%3B%3C%3D%3E%3F%40%5B%5C%5D%7B%7D%28%29");
  EXPECT_EQ(percent_encode_attr_chars("\xC3\xA9t\xC3\xA9.txt"), "%C3%A9t%C3%A9.txt");
  EXPECT_EQ(percent_encode_attr_chars("\x01\x7F\xFF"), "%01%7F%FF");
  for (const char* s : {"", "a b", "\xF0\x9F\x98\x80 100%.txt"})
    EXPECT_EQ(percent_decode(percent_encode_attr_chars(s)), s);
}
