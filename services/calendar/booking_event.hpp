#pragma once
// A booking as a calendar event (services/calendar/ics): the same facts the
// confirmation PDF shows.
#include "services/bookings/model.hpp"
#include "services/calendar/ics.hpp"

namespace keel::calendar {
// UID booking-<id>@keel; SUMMARY the service's name; STATUS TENTATIVE for
// pending, CONFIRMED for confirmed and completed, CANCELLED for cancelled;
// DTSTAMP the booking's updated_at; DESCRIPTION its reference code.
Event event_of(const bookings::Booking& b);
}  // namespace keel::calendar
