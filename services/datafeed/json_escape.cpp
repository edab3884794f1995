#include "services/datafeed/json_escape.hpp"

namespace keel::datafeed {

namespace {

struct EscapeTable {
  char seq[0x60][7]{};
  unsigned char len[0x60]{};

  constexpr EscapeTable() {
    constexpr const char* kHex = "0123456789abcdef";
    for (int c = 0; c < 0x20; ++c) set(c, {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]});
    set('\b', {'\\', 'b'});
    set('\f', {'\\', 'f'});
    set('\n', {'\\', 'n'});
    set('\r', {'\\', 'r'});
    set('\t', {'\\', 't'});
    set('"', {'\\', '"'});
    set('\\', {'\\', '\\'});
  }
  constexpr void set(int c, std::initializer_list<char> s) {
    len[c] = 0;
    for (char ch : s) seq[c][len[c]++] = ch;
  }
};

constexpr EscapeTable kEscapes;

}  // namespace

std::string_view json_escape(unsigned char c) {
  if (c >= 0x60) return {};
  return {kEscapes.seq[c], kEscapes.len[c]};
}

void append_json_escaped(std::string& out, std::string_view s) {
  for (char c : s) {
    const std::string_view e = json_escape(static_cast<unsigned char>(c));
    if (e.empty()) {
      out.push_back(c);
    } else {
      out.append(e);
    }
  }
}

}  // namespace keel::datafeed
