#include "http/text/utf8.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace keel::text;
using namespace std::string_literals;

TEST(Utf8, LengthAndValidity) {
  EXPECT_EQ(utf8_length("Zoë"), 3u);
  EXPECT_EQ(utf8_length("Дмитрий"), 7u);
  EXPECT_TRUE(valid_utf8("Ελένη"));
  EXPECT_FALSE(valid_utf8("\xff\xfe"));
  EXPECT_FALSE(valid_utf8("\xc3"));
}

TEST(Utf8, ValidatorTable) {
  struct Case {
    std::string bytes;
    bool valid;
    const char* what;
  };
  const Case cases[] = {
      {"", true, "empty"},
      {"plain ascii", true, "ASCII"},
      {"\0"s, true, "U+0000"},
      {"\x7F", true, "U+007F, last 1-byte"},
      {"\xC2\x80", true, "U+0080, first 2-byte"},
      {"\xDF\xBF", true, "U+07FF, last 2-byte"},
      {"\xE0\xA0\x80", true, "U+0800, first 3-byte"},
      {"\xED\x9F\xBF", true, "U+D7FF, just below the surrogates"},
      {"\xEE\x80\x80", true, "U+E000, just above the surrogates"},
      {"\xEF\xBF\xBF", true, "U+FFFF, last 3-byte"},
      {"\xF0\x90\x80\x80", true, "U+10000, first 4-byte"},
      {"\xF4\x8F\xBF\xBF", true, "U+10FFFF, last code point"},
      {"Zo\xC3\xAB \xE2\x82\xAC \xF0\x9F\x98\x80", true, "mixed"},
      // Overlong forms: a shorter encoding exists.
      {"\xC0\x80", false, "overlong NUL (2-byte)"},
      {"\xC0\xAF", false, "overlong '/' (2-byte)"},
      {"\xC1\xBF", false, "overlong U+007F (2-byte)"},
      {"\xE0\x80\x80", false, "overlong NUL (3-byte)"},
      {"\xE0\x9F\xBF", false, "overlong U+07FF (3-byte)"},
      {"\xF0\x80\x80\x80", false, "overlong NUL (4-byte)"},
      {"\xF0\x8F\xBF\xBF", false, "overlong U+FFFF (4-byte)"},
      // Surrogates.
      {"\xED\xA0\x80", false, "U+D800"},
      {"\xED\xAD\xBF", false, "U+DB7F"},
      {"\xED\xB0\x80", false, "U+DC00"},
      {"\xED\xBF\xBF", false, "U+DFFF"},
      {"\xED\xA0\xBD\xED\xB8\x80", false, "surrogate pair (CESU-8)"},
      // Past U+10FFFF.
      {"\xF4\x90\x80\x80", false, "U+110000"},
      {"\xF5\x80\x80\x80", false, "F5 lead"},
      {"\xF6\x80\x80\x80", false, "F6 lead"},
      {"\xF7\xBF\xBF\xBF", false, "F7 lead"},
      {"\xF8\x88\x80\x80\x80", false, "F8 lead (5-byte form)"},
      {"\xFC\x84\x80\x80\x80\x80", false, "FC lead (6-byte form)"},
      {"\xFE", false, "FE"},
      {"\xFF", false, "FF"},
      // Truncated and broken sequences.
      {"\xC3", false, "2-byte missing 1"},
      {"\xE2\x82", false, "3-byte missing 1"},
      {"\xE2", false, "3-byte missing 2"},
      {"\xF0\x9F\x98", false, "4-byte missing 1"},
      {"\xF0\x9F", false, "4-byte missing 2"},
      {"a\xC3", false, "truncated at the end"},
      {"\xC3(", false, "continuation is ASCII"},
      {"\xE2\x82(", false, "third byte is ASCII"},
      {"\xE2(\xAC", false, "second byte is ASCII"},
      {"\x80", false, "lone continuation"},
      {"\xBF", false, "lone continuation BF"},
      {"a\x80z", false, "stray continuation"},
      {"\xC3\xA9\xA9", false, "one continuation too many"},
  };
  for (const auto& c : cases) EXPECT_EQ(valid_utf8(c.bytes), c.valid) << c.what;
}

TEST(Utf8, DecodeGivesTheCodePointAndLength) {
  struct Case {
    std::string bytes;
    std::size_t len;
    char32_t cp;
  };
  const Case cases[] = {
      {"A", 1, U'A'},
      {"\x7F", 1, 0x7F},
      {"\xC2\x80", 2, 0x80},
      {"\xDF\xBF", 2, 0x7FF},
      {"\xE0\xA0\x80", 3, 0x800},
      {"\xEF\xBF\xBF", 3, 0xFFFF},
      {"\xF0\x90\x80\x80", 4, 0x10000},
      {"\xF4\x8F\xBF\xBF", 4, 0x10FFFF},
      {"\xE2\x82\xACrest", 3, 0x20AC},
      {"\xC0\x80", 0, 0},
      {"\xED\xA0\x80", 0, 0},
      {"\xF4\x90\x80\x80", 0, 0},
      {"\xE2\x82", 0, 0},
  };
  for (const auto& c : cases) {
    char32_t cp = 0;
    EXPECT_EQ(decode_utf8(c.bytes, 0, cp), c.len) << c.bytes;
    if (c.len > 0) { EXPECT_EQ(cp, c.cp) << c.bytes; }
  }
  // At an offset, and never reading past the end.
  char32_t cp = 0;
  EXPECT_EQ(decode_utf8("ab\xC3\xA9", 2, cp), 2u);
  EXPECT_EQ(cp, 0xE9u);
  EXPECT_EQ(decode_utf8(std::string_view("\xC3\xA9", 1), 0, cp), 0u);
}

TEST(Utf8, AppendEncodesEveryLength) {
  for (char32_t cp : {char32_t{0}, char32_t{0x7F}, char32_t{0x80}, char32_t{0xE9}, char32_t{0x7FF}, char32_t{0x800},
                      char32_t{0x20AC}, char32_t{0xD7FF}, char32_t{0xE000}, char32_t{0xFFFF}, char32_t{0x10000},
                      char32_t{0x1F600}, char32_t{0x10FFFF}}) {
    std::string s;
    append_utf8(s, cp);
    char32_t back = 0;
    EXPECT_TRUE(valid_utf8(s)) << static_cast<unsigned>(cp);
    EXPECT_EQ(decode_utf8(s, 0, back), s.size()) << static_cast<unsigned>(cp);
    EXPECT_EQ(back, cp);
  }
  std::string e;
  append_utf8(e, 0x20AC);
  EXPECT_EQ(e, "\xE2\x82\xAC");
}

TEST(Utf8, LengthCountsCodePoints) {
  EXPECT_EQ(utf8_length(""), 0u);
  EXPECT_EQ(utf8_length("abc"), 3u);
  EXPECT_EQ(utf8_length("\xC2\x80\xE0\xA0\x80\xF0\x90\x80\x80"), 3u);
}

TEST(Utf8, FirstInvalidGivesTheOffset) {
  struct Case {
    std::string bytes;
    std::size_t at;
  };
  const std::size_t npos = std::string_view::npos;
  const Case cases[] = {
      {"", npos},
      {"0123456789abcdefXYZ", npos},
      {"\xFF", 0},
      {"0123456\xFF", 7},
      {"01234567\xFF", 8},
      {"0123456789abcde\xC3", 15},
      {"0123456789abcdef\xC3\xA9\xE2\x82\xAC"
       "0123456789\xED\xA0\x80",
       31},
      {"\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC0\x80", 10},
  };
  for (const auto& c : cases) EXPECT_EQ(first_invalid_utf8(c.bytes), c.at) << c.bytes;
}
