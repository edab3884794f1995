#include "http/text/header_params.hpp"

#include "http/text/ascii.hpp"
#include "http/text/percent.hpp"
#include "http/text/utf8.hpp"

namespace keel::text {

const HeaderParam* ParamHeader::find(std::string_view lower_name) const {
  for (const HeaderParam& p : params)
    if (p.name == lower_name) return &p;
  return nullptr;
}

std::optional<ParamHeader> parse_param_header(std::string_view s) {
  s = trim(s);
  ParamHeader out;
  std::size_t i = s.find(';');
  out.value = trim(s.substr(0, i));
  if (out.value.empty()) return std::nullopt;
  const std::size_t n = s.size();
  while (i < n) {
    // At a ';'.
    ++i;
    while (i < n && is_ows(s[i])) ++i;
    if (i == n) break;
    if (s[i] == ';') continue;
    const std::size_t name_begin = i;
    while (i < n && is_tchar(s[i])) ++i;
    if (i == name_begin) return std::nullopt;
    HeaderParam p;
    p.name = to_lower(s.substr(name_begin, i - name_begin));
    while (i < n && is_ows(s[i])) ++i;
    if (i == n || s[i] != '=') return std::nullopt;
    ++i;
    while (i < n && is_ows(s[i])) ++i;
    if (i < n && s[i] == '"') {
      ++i;
      bool closed = false;
      while (i < n) {
        const char c = s[i];
        if (c == '"') {
          closed = true;
          ++i;
          break;
        }
        if (c == '\\' && i + 1 < n && (s[i + 1] == '"' || s[i + 1] == '\\')) {
          p.value.push_back(s[i + 1]);
          i += 2;
          continue;
        }
        if (is_ctl(c) && c != '\t') return std::nullopt;
        p.value.push_back(c);
        ++i;
      }
      if (!closed) return std::nullopt;
    } else {
      const std::size_t v = i;
      while (i < n && s[i] != ';' && s[i] != '"' && !is_ows(s[i]) && !is_ctl(s[i])) ++i;
      if (i == v) return std::nullopt;
      p.value.assign(s.substr(v, i - v));
    }
    while (i < n && is_ows(s[i])) ++i;
    if (i < n && s[i] != ';') return std::nullopt;
    if (out.find(p.name)) return std::nullopt;
    out.params.push_back(std::move(p));
  }
  return out;
}

ExtValue decode_ext_value(std::string_view v) {
  const std::size_t q1 = v.find('\'');
  const std::size_t q2 = q1 == std::string_view::npos ? q1 : v.find('\'', q1 + 1);
  if (q2 == std::string_view::npos) return {ExtValue::malformed, {}};
  const std::string_view charset = v.substr(0, q1);
  const bool utf8 = iequals(charset, "UTF-8");
  if (!utf8 && !iequals(charset, "ISO-8859-1")) return {ExtValue::unknown_charset, {}};
  auto bytes = percent_decode(v.substr(q2 + 1));
  if (!bytes) return {ExtValue::malformed, {}};
  if (utf8) {
    if (!valid_utf8(*bytes)) return {ExtValue::not_utf8, {}};
    return {ExtValue::ok, std::move(*bytes)};
  }
  // ISO-8859-1: each byte is the code point of the same number.
  std::string out;
  for (char c : *bytes) append_utf8(out, static_cast<unsigned char>(c));
  return {ExtValue::ok, std::move(out)};
}

std::string encode_ext_value(std::string_view utf8) { return "UTF-8''" + percent_encode_attr_chars(utf8); }

DispositionFilename disposition_filename(const ParamHeader& header) {
  DispositionFilename out;
  const HeaderParam* plain = header.find("filename");
  if (const HeaderParam* ext = header.find("filename*")) {
    ExtValue decoded = decode_ext_value(ext->value);
    switch (decoded.status) {
      case ExtValue::ok:
        out.name = std::move(decoded.value);
        return out;
      case ExtValue::unknown_charset:
        break;
      case ExtValue::malformed:
        if (!plain) out.problem = "filename* is not of the form charset'language'percent-encoded-bytes";
        break;
      case ExtValue::not_utf8:
        if (!plain) out.problem = "filename* is not valid UTF-8 once percent-decoded";
        break;
    }
  }
  if (plain) out.name = plain->value;
  return out;
}

bool valid_multipart_boundary(std::string_view boundary) {
  if (boundary.empty() || boundary.size() > 70 || boundary.back() == ' ') return false;
  for (char c : boundary) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

}  // namespace keel::text
