#include "http/file/conditional.hpp"

#include "http/file/etag.hpp"
#include "http/text/ascii.hpp"
#include "http/text/http_date.hpp"

namespace keel::http_file {
namespace {

enum class Cond { none, is_true, is_false };

// Does any tag of the list match our ETag? "*" matches any current
// representation, which a file being served always has.
bool list_matches(const EntityTagList& list, std::string_view etag, bool strong) {
  if (list.any) return true;
  const auto ours = parse_entity_tag(etag);
  if (!ours) return false;
  for (const EntityTag& tag : list.tags) {
    if (tag.opaque != ours->opaque) continue;
    if (!strong || (!tag.weak && !ours->weak)) return true;
  }
  return false;
}

Cond if_match(std::string_view value, const Validators& v) {
  value = text::trim(value);
  if (value.empty()) return Cond::none;
  const auto list = parse_entity_tag_list(value);
  return list && list_matches(*list, v.etag, true) ? Cond::is_true : Cond::is_false;
}

Cond if_unmodified_since(std::string_view value, const Validators& v) {
  value = text::trim(value);
  if (value.empty() || !v.last_modified) return Cond::none;
  const auto date = text::parse_http_date(value);
  if (!date) return Cond::none;
  return *v.last_modified <= *date ? Cond::is_true : Cond::is_false;
}

Cond if_none_match(std::string_view value, const Validators& v) {
  value = text::trim(value);
  if (value.empty()) return Cond::none;
  const auto list = parse_entity_tag_list(value);
  return list && list_matches(*list, v.etag, false) ? Cond::is_false : Cond::is_true;
}

Cond if_modified_since(Method method, std::string_view value, const Validators& v) {
  value = text::trim(value);
  if (method == Method::other || value.empty() || !v.last_modified) return Cond::none;
  const auto date = text::parse_http_date(value);
  if (!date) return Cond::none;
  return *v.last_modified <= *date ? Cond::is_false : Cond::is_true;
}

}  // namespace

Precondition evaluate_preconditions(Method method, const RequestHeaders& request, const Validators& validators) {
  Cond c = if_match(request.if_match, validators);
  if (c == Cond::none) c = if_unmodified_since(request.if_unmodified_since, validators);
  if (c == Cond::is_false) return Precondition::failed;

  switch (if_none_match(request.if_none_match, validators)) {
    case Cond::is_false:
      return method == Method::other ? Precondition::failed : Precondition::not_modified;
    case Cond::none:
      if (if_modified_since(method, request.if_modified_since, validators) == Cond::is_false) {
        return Precondition::not_modified;
      }
      break;
    case Cond::is_true:
      break;
  }
  return Precondition::proceed;
}

bool if_range_allows_range(std::string_view if_range, const Validators& validators) {
  if_range = text::trim(if_range);
  if (if_range.empty()) return true;
  if (if_range.front() == '"' || if_range.substr(0, 2) == "W/") { return strong_compare(if_range, validators.etag); }
  const auto date = text::parse_http_date(if_range);
  return date && validators.last_modified && *date == *validators.last_modified;
}

}  // namespace keel::http_file
