#pragma once
// Accept-Encoding (RFC 9110 §12.5.3): may a response use a content coding?
#include <string_view>

namespace keel::text {

// True when `accept_encoding` (the header's value, several fields joined by
// ", ") accepts `coding` (lower case, e.g. "gzip"): the coding listed with a
// q-value above 0 ("x-gzip" counts as "gzip"), or "*" above 0 and the coding
// not listed. Absent or empty header: false (identity is always fine).
// A malformed q-value makes its entry count as q=0.
bool accepts_coding(std::string_view accept_encoding, std::string_view coding);

}  // namespace keel::text
