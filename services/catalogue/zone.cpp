#include "services/catalogue/zone.hpp"

#include <chrono>
#include <exception>
#include <string>

#include <date/tz.h>

namespace keel::catalogue {

std::optional<Zone> Zone::find(std::string_view iana_name) {
  // /usr/share/zoneinfo/localtime is a link to the machine's own zone: a name
  // that means something different on every host is not an IANA name.
  if (iana_name.empty() || iana_name == "localtime") return std::nullopt;
  try {
    // locate_zone searches the names read from the zoneinfo folder (no file
    // is opened by the name given) and caches what it loads.
    const date::time_zone* tz = date::locate_zone(std::string(iana_name));
    if (tz == nullptr) return std::nullopt;
    return Zone(tz, std::string(iana_name));
  } catch (const std::exception&) {
    return std::nullopt;  // unknown name, or no tzdata on this machine
  }
}

int Zone::offset_at(std::int64_t utc) const {
  const date::sys_seconds t{std::chrono::seconds{utc}};
  return static_cast<int>(tz_->get_info(t).offset.count());
}

std::optional<std::int64_t> Zone::to_utc(std::int64_t local) const {
  const date::local_seconds t{std::chrono::seconds{local}};
  const date::local_info info = tz_->get_info(t);
  // For an ambiguous time `first` is the offset in effect before the change,
  // so local - first.offset is the earlier of the two instants.
  if (info.result == date::local_info::nonexistent) return std::nullopt;
  return local - info.first.offset.count();
}

}  // namespace keel::catalogue
