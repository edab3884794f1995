#pragma once

// Entity tags (RFC 9110 §8.8.3).

#include <optional>
#include <string_view>
#include <vector>

namespace keel::http_file {

struct EntityTag {
  bool weak = false;
  std::string_view opaque;  // with its double quotes, e.g. "\"abc\""
};

// Exactly one entity-tag: [W/] DQUOTE *etagc DQUOTE ("W/" is case-sensitive).
std::optional<EntityTag> parse_entity_tag(std::string_view s);

// RFC 9110 §8.8.3.2, on whole tags such as `W/"a"`; false if either does
// not parse. Strong: both strong and same opaque-tag. Weak: same opaque-tag.
bool strong_compare(std::string_view a, std::string_view b);
bool weak_compare(std::string_view a, std::string_view b);

// If-Match / If-None-Match value: "*" or a comma list of entity-tags (empty
// list elements and OWS tolerated). nullopt if malformed.
struct EntityTagList {
  bool any = false;  // "*"
  std::vector<EntityTag> tags;
};
std::optional<EntityTagList> parse_entity_tag_list(std::string_view s);

}  // namespace keel::http_file
