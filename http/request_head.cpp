#include "http/request_head.hpp"

namespace keel {

namespace {

// The target of a request line: from its first space to the next one (or
// to the end of what arrived).
std::string_view raw_target(std::string_view head) {
  std::string_view line = head.substr(0, head.find('\n'));
  std::size_t start = line.find(' ');
  if (start == std::string_view::npos) return {};
  line.remove_prefix(start + 1);
  return line.substr(0, line.find(' '));
}

}  // namespace

HeadRefusal oversized_head(std::string_view head) {
  if (raw_target(head).size() > kTargetLimit) return {414, "request target too long"};
  return {431, "request header fields too large"};
}

}  // namespace keel
