#include "http/text/ascii.hpp"

namespace keel::text {

bool is_tchar(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

std::string_view trim(std::string_view s, std::string_view chars) { return trim_end(trim_start(s, chars), chars); }

std::string_view trim_start(std::string_view s, std::string_view chars) {
  const std::size_t first = s.find_first_not_of(chars);
  return s.substr(first == std::string_view::npos ? s.size() : first);
}

std::string_view trim_end(std::string_view s, std::string_view chars) {
  const std::size_t last = s.find_last_not_of(chars);
  return s.substr(0, last == std::string_view::npos ? 0 : last + 1);
}

}  // namespace keel::text
