#include "http/file/etag.hpp"

#include "http/text/ascii.hpp"

namespace keel::http_file {
namespace {

// etagc = %x21 / %x23-7E / obs-text
bool is_etagc(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u == 0x21 || (u >= 0x23 && u <= 0x7e) || u >= 0x80;
}

// Reads one entity-tag at the front of `s`; returns its length or 0.
std::size_t scan_entity_tag(std::string_view s) {
  std::size_t i = 0;
  if (s.substr(0, 2) == "W/") i = 2;
  if (i >= s.size() || s[i] != '"') return 0;
  for (++i; i < s.size(); ++i) {
    if (s[i] == '"') return i + 1;
    if (!is_etagc(s[i])) return 0;
  }
  return 0;
}

}  // namespace

std::optional<EntityTag> parse_entity_tag(std::string_view s) {
  const std::size_t n = scan_entity_tag(s);
  if (n == 0 || n != s.size()) return std::nullopt;
  EntityTag tag;
  tag.weak = s[0] == 'W';
  tag.opaque = tag.weak ? s.substr(2) : s;
  return tag;
}

bool strong_compare(std::string_view a, std::string_view b) {
  const auto x = parse_entity_tag(a);
  const auto y = parse_entity_tag(b);
  return x && y && !x->weak && !y->weak && x->opaque == y->opaque;
}

bool weak_compare(std::string_view a, std::string_view b) {
  const auto x = parse_entity_tag(a);
  const auto y = parse_entity_tag(b);
  return x && y && x->opaque == y->opaque;
}

std::optional<EntityTagList> parse_entity_tag_list(std::string_view s) {
  s = text::trim(s);
  EntityTagList list;
  if (s == "*") {
    list.any = true;
    return list;
  }
  std::size_t i = 0;
  while (i < s.size()) {
    if (text::is_ows(s[i]) || s[i] == ',') {
      ++i;
      continue;
    }
    const std::size_t n = scan_entity_tag(s.substr(i));
    if (n == 0) return std::nullopt;
    list.tags.push_back(*parse_entity_tag(s.substr(i, n)));
    i += n;
    while (i < s.size() && text::is_ows(s[i])) ++i;
    if (i < s.size() && s[i] != ',') return std::nullopt;
  }
  if (list.tags.empty()) return std::nullopt;
  return list;
}

}  // namespace keel::http_file
