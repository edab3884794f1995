#pragma once
// UTF-8 as RFC 3629 defines it: the shortest form only (no overlong
// sequences such as C0 80), no surrogates (U+D800-DFFF), nothing above
// U+10FFFF (so no F5-FF lead bytes), no truncated sequences. Anything else is
// invalid: a lax check lets bytes through that the database refuses.
#include <cstddef>
#include <string>
#include <string_view>

namespace keel::text {

// Decodes the code point at s[i] into cp and returns its length in bytes, or
// 0 when the bytes there are not well-formed UTF-8.
std::size_t decode_utf8(std::string_view s, std::size_t i, char32_t& cp);

bool valid_utf8(std::string_view s);

// The offset of the first byte where s stops being well-formed UTF-8, or
// npos when all of it is. Runs of ASCII are checked 8 bytes at a time, so
// mostly-ASCII text costs about a memory read.
std::size_t first_invalid_utf8(std::string_view s);

// Code points in valid UTF-8 (the bytes that start one).
std::size_t utf8_length(std::string_view s);

// Appends the UTF-8 form of a Unicode scalar value (not a surrogate, at most
// U+10FFFF).
void append_utf8(std::string& out, char32_t cp);

constexpr bool is_utf8_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace keel::text
