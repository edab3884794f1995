#include "services/datafeed/transcode.hpp"

namespace keel::datafeed {

namespace {

// Windows-1252's 0x80..0x9F (WHATWG index); the rest of the high half is
// ISO-8859-1.
constexpr char16_t kCp1252Low[32] = {0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                     0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
                                     0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                     0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

constexpr Utf8Form utf8_form(char16_t cp) {  // cp in U+0080..U+FFFF
  Utf8Form f;
  if (cp < 0x800) {
    f.len = 2;
    f.bytes[0] = static_cast<char>(0xC0 | (cp >> 6));
    f.bytes[1] = static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    f.len = 3;
    f.bytes[0] = static_cast<char>(0xE0 | (cp >> 12));
    f.bytes[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    f.bytes[2] = static_cast<char>(0x80 | (cp & 0x3F));
  }
  return f;
}

constexpr HighHalf make_table(bool windows) {
  HighHalf t{};
  for (int b = 0x80; b <= 0xFF; ++b) {
    const char16_t cp = (windows && b < 0xA0) ? kCp1252Low[b - 0x80] : static_cast<char16_t>(b);
    t[b - 0x80] = utf8_form(cp);
  }
  return t;
}

constexpr HighHalf kLatin1 = make_table(false);
constexpr HighHalf kWindows1252 = make_table(true);

}  // namespace

const HighHalf& latin1_to_utf8() { return kLatin1; }
const HighHalf& windows1252_to_utf8() { return kWindows1252; }

}  // namespace keel::datafeed
