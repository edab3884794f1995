#include "services/bookings/model.hpp"

#include "http/text/iso_datetime.hpp"

#include <cstdio>

namespace keel::bookings {

bool transition_allowed(std::string_view from, std::string_view to) {
  if (from == "pending") return to == "confirmed" || to == "cancelled";
  if (from == "confirmed") return to == "completed" || to == "cancelled";
  return false;
}

std::string reference_code(std::int64_t id) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "BK-%06lld", static_cast<long long>(id));
  return buf;
}

std::string to_sql_datetime(std::int64_t t) {
  std::string iso = text::format_iso_utc(t);  // 2026-12-01T08:30:00Z
  iso[10] = ' ';
  iso.pop_back();
  return iso;
}

std::optional<std::int64_t> from_sql_datetime(std::string_view s) {
  std::string iso(s.substr(0, 19));
  if (iso.size() != 19) return std::nullopt;
  iso[10] = 'T';
  iso += 'Z';
  return text::parse_iso_datetime(iso);
}

std::string sql_to_iso(std::string_view s) {
  std::string out(s);
  if (out.size() >= 19) out[10] = 'T';
  // The driver may pad DATETIME(3) to microseconds: keep milliseconds.
  if (out.size() > 23 && out[19] == '.') out.resize(23);
  return out + "Z";
}

}  // namespace keel::bookings
