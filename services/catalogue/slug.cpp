#include "services/catalogue/slug.hpp"

namespace keel::catalogue {

namespace {
constexpr bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
}  // namespace

bool valid_slug(std::string_view s) {
  if (s.empty() || s.size() > 64 || !lower_alnum(s.front())) return false;
  for (char c : s)
    if (!lower_alnum(c) && c != '-') return false;
  return true;
}

}  // namespace keel::catalogue
