#include "services/calendar/booking_event.hpp"

#include "http/text/iso_datetime.hpp"

namespace keel::calendar {

Event event_of(const bookings::Booking& b) {
  Event e;
  e.uid = "booking-" + std::to_string(b.id) + "@keel";
  e.dtstamp = text::parse_iso_datetime(b.updated_at).value_or(b.starts_at);
  e.starts_at = b.starts_at;
  e.ends_at = b.starts_at + std::int64_t{b.duration_minutes} * 60;
  e.summary = b.service_name.empty() ? b.service : b.service_name;
  e.description = "Booking " + bookings::reference_code(b.id);
  e.status = b.status == "pending" ? "TENTATIVE" : b.status == "cancelled" ? "CANCELLED" : "CONFIRMED";
  e.sequence = b.sequence;
  return e;
}

}  // namespace keel::calendar
