#pragma once
// Percent-encoding (RFC 3986 §2.1), by Boost.URL.
#include <optional>
#include <string>
#include <string_view>

namespace keel::text {

// The bytes `s` percent-encodes, or nullopt when a '%' is not followed by two
// hex digits. '+' stays '+'; the result may be any bytes (check UTF-8 where
// text is expected).
std::optional<std::string> percent_decode(std::string_view s);

// Percent-encodes every byte but the RFC 8187 attr-chars (ALPHA, DIGIT and
// "!#$&+-.^_`|~"), with upper-case hex digits.
std::string percent_encode_attr_chars(std::string_view s);

}  // namespace keel::text
