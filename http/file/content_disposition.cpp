#include "http/file/content_disposition.hpp"

namespace keel::http_file {
namespace {

// RFC 8187 attr-char: sent as is inside filename*.
bool is_attr_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         std::string_view("!#$&+-.^_`|~").find(c) != std::string_view::npos;
}

}  // namespace

std::string content_disposition_attachment(std::string_view filename) {
  std::string name;
  bool ascii = true;
  for (char c : filename) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) continue;
    if (u >= 0x80) ascii = false;
    name.push_back(c);
  }
  if (name.empty()) return "attachment";

  std::string out = "attachment; filename=\"";
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) {
      // One '_' per character: skip UTF-8 continuation bytes.
      if ((u & 0xc0) != 0x80) out.push_back('_');
      continue;
    }
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  if (!ascii) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    out += "; filename*=UTF-8''";
    for (char c : name) {
      const auto u = static_cast<unsigned char>(c);
      if (is_attr_char(c)) {
        out.push_back(c);
      } else {
        out.push_back('%');
        out.push_back(kHex[u >> 4]);
        out.push_back(kHex[u & 0x0f]);
      }
    }
  }
  return out;
}

}  // namespace keel::http_file
