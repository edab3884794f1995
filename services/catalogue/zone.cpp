#include "services/catalogue/zone.hpp"

#include <date/tz.h>

namespace keel::catalogue {

std::optional<Zone> Zone::find(std::string_view iana_name) {
  if (iana_name.empty()) return std::nullopt;
  try {
    return Zone(date::locate_zone(iana_name), std::string(iana_name));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

int Zone::offset_at(std::int64_t utc) const {
  const date::sys_seconds t{std::chrono::seconds(utc)};
  return static_cast<int>(tz_->get_info(t).offset.count());
}

std::optional<std::int64_t> Zone::to_utc(std::int64_t local) const {
  const date::local_seconds t{std::chrono::seconds(local)};
  const date::local_info i = tz_->get_info(t);
  if (i.result == date::local_info::nonexistent) return std::nullopt;
  // unique, or the first of an ambiguous pair (the earlier instant).
  return local - i.first.offset.count();
}

}  // namespace keel::catalogue
