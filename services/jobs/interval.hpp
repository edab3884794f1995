#pragma once
// Job intervals as the environment spells them (KEEL_JOB_<NAME>_EVERY and
// _TIMEOUT): a positive integer with s, m, h or d ("90s", "3m", "6h", "1d"),
// or "off"; case-insensitive; from 1 s to 7 d.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace keel::jobs {

constexpr std::chrono::seconds kMinInterval{1};
constexpr std::chrono::seconds kMaxInterval{7 * 24 * 3600};

// The interval, 0 for "off" (only when allow_off), nullopt when invalid.
std::optional<std::chrono::seconds> parse_interval(std::string_view text, bool allow_off = true);

// The normalised spelling: the largest unit that divides it ("180s" -> "3m",
// "90s" stays "90s"); 0 -> "off".
std::string interval_string(std::chrono::seconds interval);

}  // namespace keel::jobs
