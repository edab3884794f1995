#include "services/pdf/utf8_text.hpp"

#include "http/text/utf8.hpp"

namespace keel::pdf {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool is_control(char32_t cp) { return cp < 0x20 || (cp >= 0x7F && cp < 0xA0); }

}  // namespace

std::string sanitize_utf8(std::string_view text, bool keep_newlines) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    const std::size_t len = keel::text::decode_utf8(text, i, cp);
    if (len == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    if (cp == '\r' && keep_newlines) {
      // "\r\n" and a lone "\r" both end a line.
      out += '\n';
      i += (i + 1 < text.size() && text[i + 1] == '\n') ? 2 : 1;
      continue;
    }
    if (cp == '\n' && keep_newlines) {
      out += '\n';
    } else if (is_control(cp)) {
      out += ' ';
    } else if (cp > 0xFFFF) {
      out += kReplacement;
    } else {
      out.append(text.substr(i, len));
    }
    i += len;
  }
  return out;
}

std::vector<std::size_t> code_point_boundaries(std::string_view text) {
  std::vector<std::size_t> out;
  out.reserve(text.size() + 1);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (!keel::text::is_utf8_continuation(text[i])) out.push_back(i);
  }
  out.push_back(text.size());
  return out;
}

}  // namespace keel::pdf
