#pragma once
// An iCalendar (RFC 5545) file holding one event: what "add to calendar"
// downloads. Pure: an Event in, the file's bytes out (CRLF line ends, content
// lines folded at 75 octets without splitting a UTF-8 character, TEXT values
// escaped).
#include <cstdint>
#include <string>
#include <string_view>

namespace keel::calendar {

struct Event {
  std::string uid;                // stable per booking: "booking-42@keel"
  std::int64_t dtstamp = 0;       // epoch seconds UTC: when the event last changed
  std::int64_t starts_at = 0;     // epoch seconds UTC
  std::int64_t ends_at = 0;
  std::string summary;            // the service's name
  std::string description;        // may be empty (then omitted)
  std::string status;             // TENTATIVE | CONFIRMED | CANCELLED
  std::int64_t sequence = 0;      // grows with every reschedule and cancel
};

std::string ics_document(const Event& e);

// TEXT value escaping: backslash, ';' and ',' escaped, a newline as "\n"
// (CR dropped, so CRLF and LF both become one "\n").
std::string escape_text(std::string_view s);
// One content line, folded: at most 75 octets per physical line (CRLF not
// counted), continuation lines starting with a space; ends with CRLF.
std::string fold_line(std::string_view line);
// "20261210T080000Z"
std::string format_utc(std::int64_t epoch_seconds);

}  // namespace keel::calendar
