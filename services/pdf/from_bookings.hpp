#pragma once
// Bookings as the PDFs show them: times in UTC to the minute, the reference
// code, empty strings for absent phone and notes.
#include "services/bookings/model.hpp"
#include "services/pdf/booking_row.hpp"

#include <cstdint>
#include <string>

namespace keel::pdf {

// "2026-12-01 08:30 UTC"
std::string format_minute_utc(std::int64_t epoch_seconds);
// "2026-12-01", today in UTC: a confirmation's issue date.
std::string today_utc();
BookingRow row_from(const bookings::Booking& b);
// The report's subtitle, e.g. "Status: confirmed · Service: all · Starts: from
// 2026-12-01 00:00 UTC to 2027-01-01 00:00 UTC".
std::string filter_summary(const bookings::ListFilter& f);

}  // namespace keel::pdf
