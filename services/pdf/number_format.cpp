#include "services/pdf/number_format.hpp"

#include <cstdio>

#include "services/pdf/str_cat.hpp"

namespace keel::pdf {

std::string group_thousands(std::int64_t n) {
  // Work on the magnitude as unsigned so INT64_MIN does not overflow.
  std::uint64_t mag = n < 0 ? 0 - static_cast<std::uint64_t>(n) : static_cast<std::uint64_t>(n);
  std::string digits = std::to_string(mag);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? cat("-", out) : out;
}

std::string hours_minutes(std::int64_t minutes) {
  const bool negative = minutes < 0;
  const std::uint64_t mag = negative ? 0 - static_cast<std::uint64_t>(minutes) : static_cast<std::uint64_t>(minutes);
  const std::uint64_t h = mag / 60, m = mag % 60;
  std::string out = negative ? "-" : "";
  if (h == 0) return cat(out, std::to_string(m), " min");
  out += cat(group_thousands(static_cast<std::int64_t>(h)), " h");
  if (m != 0) out += cat(" ", std::to_string(m), " min");
  return out;
}

std::string percent(std::int64_t part, std::int64_t whole) {
  if (whole == 0) return "0.0%";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return buf;
}

}  // namespace keel::pdf
