#pragma once
// cat("a", s, "b"): one allocation, and none of the `"literal" + std::string`
// temporaries that trip g++ 12's -Wrestrict false positive at -O2.
#include <string>
#include <string_view>

namespace keel::pdf {

template <class... Parts>
std::string cat(const Parts&... parts) {
  std::string out;
  out.reserve((std::string_view(parts).size() + ... + 0));
  (out.append(std::string_view(parts)), ...);
  return out;
}

}  // namespace keel::pdf
