#include "http/file/content_disposition.hpp"

#include "http/text/ascii.hpp"
#include "http/text/header_params.hpp"
#include "http/text/utf8.hpp"

namespace keel::http_file {

std::string content_disposition_attachment(std::string_view filename) {
  std::string name;
  bool ascii = true;
  for (char c : filename) {
    if (text::is_ctl(c)) continue;
    if (static_cast<unsigned char>(c) >= 0x80) ascii = false;
    name.push_back(c);
  }
  if (name.empty()) return "attachment";

  std::string out = "attachment; filename=\"";
  for (char c : name) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      // One '_' per character: skip UTF-8 continuation bytes.
      if (!text::is_utf8_continuation(c)) out.push_back('_');
      continue;
    }
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  if (!ascii) out += "; filename*=" + text::encode_ext_value(name);
  return out;
}

}  // namespace keel::http_file
