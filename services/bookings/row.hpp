#pragma once
// A bookings row as SELECTed: the column list and the reading of one row
// (shared by the bookings repository and the reports that list bookings).
#include "services/bookings/model.hpp"

#include <cppconn/resultset.h>

namespace keel::bookings {

// "b.id, b.name, ..., s.name AS service_name" in the order read_row
// expects, selected FROM kFrom (bookings b joined with their service s).
extern const char* const kColumns;
extern const char* const kFrom;
Booking read_row(sql::ResultSet& rs);

}  // namespace keel::bookings
