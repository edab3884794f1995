#include "services/catalogue/json_parts.hpp"

#include "http/text/iso_datetime.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace keel::catalogue {

using nlohmann::json;

namespace {
bool two_digits(std::string_view s, std::size_t at, int& out) {
  if (s[at] < '0' || s[at] > '9' || s[at + 1] < '0' || s[at + 1] > '9') return false;
  out = (s[at] - '0') * 10 + (s[at + 1] - '0');
  return true;
}

[[noreturn]] void malformed(const char* what) { throw std::runtime_error(std::string("malformed stored ") + what); }
}  // namespace

std::optional<int> parse_hhmm(std::string_view s) {
  int h = 0, m = 0;
  if (s.size() != 5 || s[2] != ':' || !two_digits(s, 0, h) || !two_digits(s, 3, m)) return std::nullopt;
  if (h == 24 && m == 0) return 1440;
  if (h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

std::string format_hhmm(int minutes) { return fmt::format("{:02}:{:02}", minutes / 60, minutes % 60); }

std::optional<std::int32_t> parse_date(std::string_view s) {
  // parse_iso_datetime also takes date-times: only the bare date is a date here.
  if (s.size() != 10) return std::nullopt;
  auto at = text::parse_iso_datetime(s, false);
  if (!at) return std::nullopt;
  return static_cast<std::int32_t>(*at / 86400);
}

std::string format_date(std::int32_t day) { return text::format_iso_utc(std::int64_t{day} * 86400).substr(0, 10); }

json durations_json(const std::vector<int>& durations) { return durations; }

json opening_hours_json(const std::array<DayHours, 7>& hours) {
  json out = json::object();
  for (std::size_t d = 0; d < 7; ++d) {
    json day = json::array();
    for (const auto& i : hours[d]) day.push_back({format_hhmm(i.open_min), format_hhmm(i.close_min)});
    out[std::string(kWeekdayKeys[d])] = std::move(day);
  }
  return out;
}

json closed_dates_json(const std::vector<std::int32_t>& days) {
  json out = json::array();
  for (auto d : days) out.push_back(format_date(d));
  return out;
}

std::vector<int> durations_from(const json& j) {
  if (!j.is_array()) malformed("durations");
  std::vector<int> out;
  for (const auto& v : j) {
    if (!v.is_number_integer()) malformed("durations");
    out.push_back(v.get<int>());
  }
  return out;
}

std::array<DayHours, 7> opening_hours_from(const json& j) {
  if (!j.is_object()) malformed("opening_hours");
  std::array<DayHours, 7> out;
  for (std::size_t d = 0; d < 7; ++d) {
    auto it = j.find(std::string(kWeekdayKeys[d]));
    if (it == j.end()) continue;
    if (!it->is_array()) malformed("opening_hours");
    for (const auto& pair : *it) {
      if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string())
        malformed("opening_hours");
      auto open = parse_hhmm(pair[0].get<std::string>());
      auto close = parse_hhmm(pair[1].get<std::string>());
      if (!open || !close) malformed("opening_hours");
      out[d].push_back(Interval{*open, *close});
    }
  }
  return out;
}

std::vector<std::int32_t> closed_dates_from(const json& j) {
  if (!j.is_array()) malformed("closed_dates");
  std::vector<std::int32_t> out;
  for (const auto& v : j) {
    auto day = v.is_string() ? parse_date(v.get<std::string>()) : std::nullopt;
    if (!day) malformed("closed_dates");
    out.push_back(*day);
  }
  return out;
}

}  // namespace keel::catalogue
