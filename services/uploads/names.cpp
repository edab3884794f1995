#include "services/uploads/names.hpp"

#include "http/validation.hpp"

#include <boost/url/decode_view.hpp>
#include <boost/url/pct_string_view.hpp>

#include <cctype>

namespace keel::uploads {

namespace {
std::optional<std::string> pct_decode(std::string_view s) {
  auto pct = boost::urls::make_pct_string_view(s);
  if (!pct) return std::nullopt;
  std::string out;
  for (char c : pct->decode()) out += c;
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iprefix(std::string_view s, std::string_view p) {
  if (s.size() < p.size()) return false;
  for (std::size_t i = 0; i < p.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(p[i]))) return false;
  return true;
}
}  // namespace

std::string clean_filename(std::string_view raw) {
  auto slash = raw.find_last_of("/\\");
  if (slash != std::string_view::npos) raw = raw.substr(slash + 1);
  std::string out;
  for (char c : raw) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) continue;
    out += c;
  }
  if (!validation::valid_utf8(out)) {
    std::string ascii;
    for (char c : out)
      if (static_cast<unsigned char>(c) < 0x80) ascii += c;
    out = ascii;
  }
  std::string_view t = trim(out);
  out = std::string(t);
  if (out == "." || out == "..") out.clear();
  if (out.size() > 255) {
    std::size_t cut = 255;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
  }
  return out.empty() ? "upload" : out;
}

std::optional<std::string> filename_from_x_filename(std::string_view value) {
  auto d = pct_decode(trim(value));
  if (!d || d->empty()) return std::nullopt;
  return clean_filename(*d);
}

std::optional<std::string> filename_from_content_disposition(std::string_view v) {
  std::optional<std::string> plain, star;
  std::size_t i = v.find(';');
  while (i != std::string_view::npos) {
    std::string_view rest = v.substr(i + 1);
    // A quoted value may contain ';'.
    std::size_t eq = rest.find('=');
    if (eq == std::string_view::npos) break;
    std::string_view name = trim(rest.substr(0, eq));
    std::string_view val = rest.substr(eq + 1);
    val = trim(val);
    std::string value;
    std::size_t consumed;
    if (!val.empty() && val.front() == '"') {
      std::size_t k = 1;
      for (; k < val.size() && val[k] != '"'; ++k) {
        if (val[k] == '\\' && k + 1 < val.size()) ++k;
        value += val[k];
      }
      consumed = (val.data() - v.data()) + k + 1;
    } else {
      std::size_t semi = val.find(';');
      value = std::string(trim(val.substr(0, semi)));
      consumed = semi == std::string_view::npos ? v.size() : static_cast<std::size_t>(val.data() - v.data()) + semi;
    }
    if (name.size() == 9 && iprefix(name, "filename*")) {
      // RFC 8187: charset'lang'pct-encoded
      std::string_view sv = value;
      auto q1 = sv.find('\'');
      auto q2 = q1 == std::string_view::npos ? q1 : sv.find('\'', q1 + 1);
      if (q2 != std::string_view::npos && iprefix(sv, "utf-8'")) {
        if (auto d = pct_decode(sv.substr(q2 + 1)); d && validation::valid_utf8(*d)) star = *d;
      }
    } else if (name.size() == 8 && iprefix(name, "filename")) {
      plain = value;
    }
    i = v.find(';', consumed < v.size() ? consumed : v.size());
  }
  if (star && !star->empty()) return clean_filename(*star);
  if (plain && !plain->empty()) return clean_filename(*plain);
  return std::nullopt;
}

bool valid_upload_id(std::string_view id) {
  if (id.size() < 22 || id.size() > 43) return false;
  for (char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  return true;
}

}  // namespace keel::uploads
