#pragma once
// Calendar arithmetic in UTC: seconds since 1970-01-01 <-> a proleptic
// Gregorian date and time of day. No time zones, no gmtime/timegm (and so no
// locale, TZ or range quirks of the C library).
#include <cstdint>
#include <optional>

namespace keel::text {

struct CivilTime {
  int year = 1970;
  unsigned month = 1;  // 1..12
  unsigned day = 1;    // 1..31
  unsigned hour = 0, minute = 0, second = 0;
  unsigned weekday = 4;  // 0 = Sunday; 1970-01-01 was a Thursday
};

// The UTC date and time of `epoch_seconds` (negative: before 1970), for
// years -32767..32767.
CivilTime civil_from_epoch(std::int64_t epoch_seconds);

// Seconds since the epoch of a UTC date and time; nullopt when the date does
// not exist (month 13, April 31, February 29 of a common year) or the time is
// out of range. second may be 60: a leap second, which is the first second
// of the next minute.
std::optional<std::int64_t> epoch_from_civil(int year, unsigned month, unsigned day, unsigned hour = 0,
                                             unsigned minute = 0, unsigned second = 0);

}  // namespace keel::text
