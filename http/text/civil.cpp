#include "http/text/civil.hpp"

#include <chrono>

namespace keel::text {

namespace chrono = std::chrono;

CivilTime civil_from_epoch(std::int64_t epoch_seconds) {
  const chrono::sys_seconds t{chrono::seconds{epoch_seconds}};
  const chrono::sys_days days = chrono::floor<chrono::days>(t);
  const chrono::year_month_day ymd{days};
  const chrono::hh_mm_ss hms{t - days};
  CivilTime c;
  c.year = static_cast<int>(ymd.year());
  c.month = static_cast<unsigned>(ymd.month());
  c.day = static_cast<unsigned>(ymd.day());
  c.hour = static_cast<unsigned>(hms.hours().count());
  c.minute = static_cast<unsigned>(hms.minutes().count());
  c.second = static_cast<unsigned>(hms.seconds().count());
  c.weekday = chrono::weekday{days}.c_encoding();
  return c;
}

std::optional<std::int64_t> epoch_from_civil(int year, unsigned month, unsigned day, unsigned hour, unsigned minute,
                                             unsigned second) {
  // chrono::day and chrono::month keep only a byte: range-check first.
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  if (year < static_cast<int>(chrono::year::min()) || year > static_cast<int>(chrono::year::max())) return std::nullopt;
  const chrono::year_month_day ymd{chrono::year{year}, chrono::month{month}, chrono::day{day}};
  if (!ymd.ok()) return std::nullopt;
  const chrono::sys_seconds t =
      chrono::sys_days{ymd} + chrono::hours{hour} + chrono::minutes{minute} + chrono::seconds{second};
  return static_cast<std::int64_t>(t.time_since_epoch().count());
}

}  // namespace keel::text
