#pragma once
// The 8-bit encodings partners send, as UTF-8: bytes below 0x80 are ASCII
// in both; each byte 0x80..0xFF has a table entry with its UTF-8 form.
//   latin-1       true ISO-8859-1: the byte is the code point.
//   windows-1252  as WHATWG decodes it: 0x80..0x9F are the Windows
//                 punctuation (0x80 is U+20AC), and the five bytes Windows
//                 leaves undefined (81 8D 8F 90 9D) are the C1 controls
//                 U+0081... they would be in ISO-8859-1.
#include <array>

namespace keel::datafeed {

struct Utf8Form {
  unsigned char len = 0;  // 2 or 3
  char bytes[3] = {};
};
using HighHalf = std::array<Utf8Form, 128>;  // index: byte - 0x80

const HighHalf& latin1_to_utf8();
const HighHalf& windows1252_to_utf8();

}  // namespace keel::datafeed
