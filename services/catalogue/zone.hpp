#pragma once
// An IANA time zone (Europe/Berlin) from the system's tzdata. Times are epoch
// seconds; "local" seconds count wall-clock time as if the zone were UTC
// (local days = local seconds / 86400, floored).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace date {
class time_zone;
}

namespace keel::catalogue {

class Zone {
 public:
  // nullopt for a name tzdata does not know (or an empty one).
  static std::optional<Zone> find(std::string_view iana_name);

  const std::string& name() const { return name_; }
  // The UTC offset in effect at `utc`, in seconds (+3600 for CET).
  int offset_at(std::int64_t utc) const;
  std::int64_t to_local(std::int64_t utc) const { return utc + offset_at(utc); }
  // The instant a wall-clock time names: nullopt when it does not exist (the
  // hour skipped on a spring DST day); the first occurrence when it exists
  // twice (the hour repeated in autumn).
  std::optional<std::int64_t> to_utc(std::int64_t local) const;

 private:
  Zone(const date::time_zone* tz, std::string name) : tz_(tz), name_(std::move(name)) {}
  const date::time_zone* tz_ = nullptr;
  std::string name_;
};

// Local day number (days since 1970-01-01) and minute of the day of a local time.
inline std::int32_t local_day(std::int64_t local) {
  return static_cast<std::int32_t>(local >= 0 ? local / 86400 : -((-local + 86399) / 86400));
}
inline int minute_of_day(std::int64_t local) {
  return static_cast<int>((local - std::int64_t{local_day(local)} * 86400) / 60);
}
// Monday = 0 ... Sunday = 6 (1970-01-01 was a Thursday).
inline int weekday(std::int32_t day) { return static_cast<int>(((day % 7) + 7 + 3) % 7); }

}  // namespace keel::catalogue
