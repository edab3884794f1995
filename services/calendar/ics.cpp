#include "services/calendar/ics.hpp"

#include "http/text/civil.hpp"

#include <cstdio>

namespace keel::calendar {

std::string escape_text(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case ';': out += "\\;"; break;
      case ',': out += "\\,"; break;
      case '\n': out += "\\n"; break;
      case '\r': break;
      default: out += c;
    }
  }
  return out;
}

std::string fold_line(std::string_view line) {
  // RFC 5545 3.1: lines SHOULD NOT be longer than 75 octets; a fold is CRLF
  // followed by one space, which counts toward the next line's 75.
  std::string out;
  out.reserve(line.size() + line.size() / 70 * 3 + 2);
  std::size_t limit = 75, used = 0;
  std::size_t i = 0;
  while (i < line.size()) {
    // The whole UTF-8 sequence starting here (continuation bytes 10xxxxxx).
    std::size_t n = 1;
    while (i + n < line.size() && (static_cast<unsigned char>(line[i + n]) & 0xC0) == 0x80) ++n;
    if (used + n > limit) {
      out += "\r\n ";
      used = 1;
    }
    out.append(line.substr(i, n));
    used += n;
    i += n;
  }
  out += "\r\n";
  return out;
}

std::string format_utc(std::int64_t epoch_seconds) {
  const text::CivilTime t = text::civil_from_epoch(epoch_seconds);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d%02u%02uT%02u%02u%02uZ", t.year, t.month, t.day, t.hour, t.minute, t.second);
  return buf;
}

std::string ics_document(const Event& e) {
  std::string out;
  auto line = [&out](std::string_view name, std::string_view value) {
    std::string l(name);
    l += ':';
    l += value;
    out += fold_line(l);
  };
  line("BEGIN", "VCALENDAR");
  line("VERSION", "2.0");
  line("PRODID", "-//keel//bookings//EN");
  line("CALSCALE", "GREGORIAN");
  line("METHOD", "PUBLISH");
  line("BEGIN", "VEVENT");
  line("UID", escape_text(e.uid));
  line("DTSTAMP", format_utc(e.dtstamp));
  line("DTSTART", format_utc(e.starts_at));
  line("DTEND", format_utc(e.ends_at));
  line("SEQUENCE", std::to_string(e.sequence));
  line("STATUS", e.status);
  line("SUMMARY", escape_text(e.summary));
  if (!e.description.empty()) line("DESCRIPTION", escape_text(e.description));
  line("END", "VEVENT");
  line("END", "VCALENDAR");
  return out;
}

}  // namespace keel::calendar
