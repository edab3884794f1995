#include "services/pdf/from_bookings.hpp"

#include "http/text/civil.hpp"

#include <fmt/format.h>

#include <ctime>

namespace keel::pdf {

namespace {
// "2026-12-01T08:30:00.123Z" (the repository's created_at) -> "2026-12-01 08:30 UTC"
std::string iso_to_minute(const std::string& iso) {
  if (iso.size() < 16 || iso[10] != 'T') return iso;
  std::string s = iso.substr(0, 16);
  s[10] = ' ';
  return s + " UTC";
}
}  // namespace

std::string format_minute_utc(std::int64_t epoch_seconds) {
  const text::CivilTime t = text::civil_from_epoch(epoch_seconds);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02} UTC", t.year, t.month, t.day, t.hour, t.minute);
}

std::string today_utc() {
  const text::CivilTime t = text::civil_from_epoch(static_cast<std::int64_t>(std::time(nullptr)));
  return fmt::format("{:04}-{:02}-{:02}", t.year, t.month, t.day);
}

BookingRow row_from(const bookings::Booking& b) {
  BookingRow r;
  r.id = b.id;
  r.reference = bookings::reference_code(b.id);
  r.name = b.name;
  r.email = b.email;
  r.phone = b.phone.value_or("");
  r.service = b.service_name.empty() ? b.service : b.service_name;
  r.starts_at = format_minute_utc(b.starts_at);
  r.ends_at = format_minute_utc(b.starts_at + std::int64_t{b.duration_minutes} * 60);
  r.calendar_uid = "booking-" + std::to_string(b.id) + "@keel";
  r.duration_minutes = b.duration_minutes;
  r.status = b.status;
  r.notes = b.notes.value_or("");
  r.created_at = iso_to_minute(b.created_at);
  return r;
}

std::string filter_summary(const bookings::ListFilter& f) {
  std::string s = "Status: " + f.status.value_or("all") + " · Service: " + f.service.value_or("all") + " · Starts: ";
  if (f.from && f.to)
    s += "from " + format_minute_utc(*f.from) + " to " + format_minute_utc(*f.to);
  else if (f.from)
    s += "from " + format_minute_utc(*f.from);
  else if (f.to)
    s += "before " + format_minute_utc(*f.to);
  else
    s += "any time";
  return s;
}

}  // namespace keel::pdf
