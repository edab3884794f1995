#pragma once

// HTTP-date (RFC 9110 §5.6.7).

#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace keel::text {

// IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
std::string format_http_date(std::time_t t);

// Accepts IMF-fixdate, RFC 850 ("Sunday, 06-Nov-94 08:49:37 GMT") and
// asctime ("Sun Nov  6 08:49:37 1994"), with OWS around. Day and month names
// are matched case-insensitively; the weekday is not checked against the
// date. An RFC 850 two-digit year that would land more than 50 years after
// `now` is taken from the previous century (RFC 9110 §5.6.7). nullopt if
// invalid.
std::optional<std::time_t> parse_http_date(std::string_view s, std::time_t now = std::time(nullptr));

}  // namespace keel::text
