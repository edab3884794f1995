#pragma once
// UTF-8 clean-up and code point boundaries for text handed to libharu.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace keel::pdf {

// libharu's UTF-8 decoder is stateful and trusts its input: a broken
// sequence can swallow the following characters, and code points above
// U+FFFF silently become spaces. So everything is cleaned first:
// invalid bytes and non-BMP code points become U+FFFD, control characters
// become a space. With keep_newlines, '\n' (and "\r\n") survive as '\n'.
std::string sanitize_utf8(std::string_view text, bool keep_newlines = false);

// Byte offsets where code points start, plus text.size() at the end.
// Expects valid UTF-8 (i.e. sanitize_utf8 output).
std::vector<std::size_t> code_point_boundaries(std::string_view text);

}  // namespace keel::pdf
