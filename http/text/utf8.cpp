#include "http/text/utf8.hpp"

#include <bit>
#include <cstdint>
#include <cstring>

namespace keel::text {

namespace {

// decode_utf8's body, inlined into the validator's loop (which drops the
// code point it does not need).
[[gnu::always_inline]] inline std::size_t decode_at(std::string_view s, std::size_t i, char32_t& cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  }
  // The well-formed sequences (Unicode Table 3-7): the lead byte fixes the
  // length and the range of the second byte, which rules out overlong forms
  // (E0 80..9F, F0 80..8F), surrogates (ED A0..BF) and values past U+10FFFF
  // (F4 90..BF); the other bytes are 80..BF.
  std::size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;  // a continuation byte, C0, C1 or F5..FF
  }
  if (s.size() - i < len) return 0;
  const auto b1 = static_cast<unsigned char>(s[i + 1]);
  if (b1 < lo || b1 > hi) return 0;
  char32_t v = b0 & (0x7F >> len);
  for (std::size_t k = 1; k < len; ++k) {
    const char c = s[i + k];
    if (!is_utf8_continuation(c)) return 0;
    v = (v << 6) | (static_cast<unsigned char>(c) & 0x3F);
  }
  cp = v;
  return len;
}

}  // namespace

std::size_t decode_utf8(std::string_view s, std::size_t i, char32_t& cp) { return decode_at(s, i, cp); }

bool valid_utf8(std::string_view s) { return first_invalid_utf8(s) == std::string_view::npos; }

std::size_t first_invalid_utf8(std::string_view s) {
  constexpr std::uint64_t kHighBits = 0x8080808080808080ull;
  const std::size_t n = s.size();
  char32_t cp = 0;
  for (std::size_t i = 0; i < n;) {
    // 32 ASCII bytes at a time (four words the compiler keeps in registers),
    // then 8, then one: most of a catalogue is ASCII.
    while (n - i >= 32) {
      std::uint64_t w[4];
      std::memcpy(w, s.data() + i, 32);
      if (((w[0] | w[1] | w[2] | w[3]) & kHighBits) != 0) break;
      i += 32;
    }
    if (n - i >= 8) {
      std::uint64_t word;
      std::memcpy(&word, s.data() + i, 8);
      word &= kHighBits;
      if (word == 0) {
        i += 8;
        continue;
      }
      if constexpr (std::endian::native == std::endian::little)
        i += std::countr_zero(word) / 8;  // to the first high byte
    }
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const std::size_t len = decode_at(s, i, cp);
    if (len == 0) return i;
    i += len;
  }
  return std::string_view::npos;
}

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (char c : s)
    if (!is_utf8_continuation(c)) ++n;
  return n;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace keel::text
