#pragma once
// Small, locale-independent number formatting for the PDFs.
#include <cstdint>
#include <string>

namespace keel::pdf {

std::string group_thousands(std::int64_t n);                 // 1234567 -> "1,234,567"
std::string hours_minutes(std::int64_t minutes);             // 90 -> "1 h 30 min", 45 -> "45 min"
std::string percent(std::int64_t part, std::int64_t whole);  // 1, 3 -> "33.3%"

}  // namespace keel::pdf
