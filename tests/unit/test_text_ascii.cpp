#include "http/text/ascii.hpp"

#include <gtest/gtest.h>

using namespace keel::text;

TEST(Ascii, CaseInsensitiveEquality) {
  struct Case {
    const char* a;
    const char* b;
    bool equal;
  };
  const Case cases[] = {
      {"", "", true},
      {"Content-Type", "content-type", true},
      {"BEARER", "bearer", true},
      {"a", "A", true},
      {"abc", "abd", false},
      {"abc", "ab", false},
      {"ab", "abc", false},
      {"[", "{", false},  // 0x5B vs 0x7B: only letters fold
      {"@", "`", false},
      {"\xC3\x89", "\xC3\xA9", false},  // É vs é: not ASCII, not folded
  };
  for (const auto& c : cases) EXPECT_EQ(iequals(c.a, c.b), c.equal) << c.a << " / " << c.b;
}

TEST(Ascii, CaseInsensitivePrefix) {
  EXPECT_TRUE(istarts_with("Bearer abc", "bearer "));
  EXPECT_TRUE(istarts_with("multipart/form-data; boundary=x", "MULTIPART/FORM-DATA"));
  EXPECT_TRUE(istarts_with("x", ""));
  EXPECT_FALSE(istarts_with("Bear", "bearer"));
  EXPECT_FALSE(istarts_with("Basic abc", "bearer "));
}

TEST(Ascii, Lower) {
  EXPECT_EQ(to_lower("GET"), "get");
  EXPECT_EQ(to_lower("Mixed-Case_09"), "mixed-case_09");
  EXPECT_EQ(to_lower("\xC3\x89T\xC3\x89"), "\xC3\x89t\xC3\x89");  // non-ASCII bytes untouched
  EXPECT_EQ(ascii_lower('Z'), 'z');
  EXPECT_EQ(ascii_lower('['), '[');
}

TEST(Ascii, Trim) {
  struct Case {
    const char* in;
    const char* out;
  };
  const Case ows[] = {
      {"", ""},     {"a", "a"},         {"  a  ", "a"},           {"\t a b \t", "a b"},
      {" \t ", ""}, {"\na\n", "\na\n"}, {"\xC2\xA0", "\xC2\xA0"},
  };
  for (const auto& c : ows) EXPECT_EQ(trim(c.in), c.out) << '"' << c.in << '"';
  EXPECT_EQ(trim(" \r\n\t\f\va\v\f\t\n\r ", kWhitespace), "a");
  EXPECT_EQ(trim("--a--", "-"), "a");
  EXPECT_EQ(trim_start("  a  "), "a  ");
  EXPECT_EQ(trim_end("  a  "), "  a");
  EXPECT_EQ(trim_end("a \t", " "), "a \t");
  EXPECT_EQ(trim_start(""), "");
  EXPECT_EQ(trim_end("   "), "");
}

TEST(Ascii, CharacterClasses) {
  for (char c : std::string_view("azAZ09!#$%&'*+-.^_`|~")) EXPECT_TRUE(is_tchar(c)) << c;
  for (char c : std::string_view("\"(),/:;<=>?@[\\]{} \t\x7f\x80")) EXPECT_FALSE(is_tchar(c)) << c;
  EXPECT_FALSE(is_tchar('\0'));
  EXPECT_TRUE(is_ctl('\0'));
  EXPECT_TRUE(is_ctl('\x1f'));
  EXPECT_TRUE(is_ctl('\x7f'));
  EXPECT_FALSE(is_ctl(' '));
  EXPECT_FALSE(is_ctl('\x80'));
  EXPECT_TRUE(is_ows(' '));
  EXPECT_TRUE(is_ows('\t'));
  EXPECT_FALSE(is_ows('\n'));
  for (char c : kWhitespace) EXPECT_TRUE(is_whitespace(c));
  EXPECT_FALSE(is_whitespace('a'));
  EXPECT_FALSE(is_whitespace('\0'));
}
