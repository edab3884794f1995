#include "services/jobs/interval.hpp"

#include "http/text/ascii.hpp"

#include <charconv>
#include <cstdint>

namespace keel::jobs {

std::optional<std::chrono::seconds> parse_interval(std::string_view text, bool allow_off) {
  if (text::iequals(text, "off")) {
    if (!allow_off) return std::nullopt;
    return std::chrono::seconds{0};
  }
  if (text.size() < 2) return std::nullopt;
  std::int64_t unit = 0;
  switch (text.back()) {
    case 's': case 'S': unit = 1; break;
    case 'm': case 'M': unit = 60; break;
    case 'h': case 'H': unit = 3600; break;
    case 'd': case 'D': unit = 86400; break;
    default: return std::nullopt;
  }
  const std::string_view digits = text.substr(0, text.size() - 1);
  std::int64_t n = 0;
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  // from_chars takes a '-': refuse signs, and numbers too large to multiply.
  if (ec != std::errc() || p != digits.data() + digits.size() || digits.front() < '0' || n > kMaxInterval.count())
    return std::nullopt;
  const std::chrono::seconds out{n * unit};
  if (out < kMinInterval || out > kMaxInterval) return std::nullopt;
  return out;
}

std::string interval_string(std::chrono::seconds interval) {
  const std::int64_t s = interval.count();
  if (s <= 0) return "off";
  if (s % 86400 == 0) return std::to_string(s / 86400) + "d";
  if (s % 3600 == 0) return std::to_string(s / 3600) + "h";
  if (s % 60 == 0) return std::to_string(s / 60) + "m";
  return std::to_string(s) + "s";
}

}  // namespace keel::jobs
