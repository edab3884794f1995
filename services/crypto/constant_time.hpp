#pragma once
// Comparison of secrets (tokens, MACs) whose timing does not depend on where
// the first differing byte is.
#include <string_view>

namespace keel {

// True iff a == b. Equal lengths: CRYPTO_memcmp over all bytes. Different
// lengths: false, after comparing the SHA-256 of both in constant time (the
// content is still not compared byte by byte with an early exit; the length
// difference itself is not hidden).
bool constant_time_equals(std::string_view a, std::string_view b);

}  // namespace keel
