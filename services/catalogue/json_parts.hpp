#pragma once
// The JSON of a service's durations, opening hours and closed dates. The API
// shows them in the shapes the columns store them in, so both use these:
//   durations      [30, 60]
//   opening_hours  {"mon": [["09:00", "17:00"]], ..., "sun": []}   ("24:00" = 1440)
//   closed_dates   ["2026-12-25"]
#include "services/catalogue/model.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace keel::catalogue {

// The opening_hours keys, Monday first (the index of Service::opening_hours).
inline constexpr std::array<std::string_view, 7> kWeekdayKeys = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

// "HH:MM" from "00:00" to "23:59", or "24:00" (the end of the day) -> minutes
// since midnight; nothing for anything else.
std::optional<int> parse_hhmm(std::string_view s);
std::string format_hhmm(int minutes);

// "YYYY-MM-DD" (a date that exists) -> days since 1970-01-01; nothing else.
std::optional<std::int32_t> parse_date(std::string_view s);
std::string format_date(std::int32_t day);

nlohmann::json durations_json(const std::vector<int>& durations);
// All seven keys, closed days as [].
nlohmann::json opening_hours_json(const std::array<DayHours, 7>& hours);
nlohmann::json closed_dates_json(const std::vector<std::int32_t>& days);

// The reverse, for text this program stored (its columns): throws
// std::runtime_error on anything malformed. Missing days are closed.
std::vector<int> durations_from(const nlohmann::json& j);
std::array<DayHours, 7> opening_hours_from(const nlohmann::json& j);
std::vector<std::int32_t> closed_dates_from(const nlohmann::json& j);

}  // namespace keel::catalogue
