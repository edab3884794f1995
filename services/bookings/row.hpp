#pragma once
// A bookings row as SELECTed: the column list and the reading of one row
// (shared by the bookings repository and the reports that list bookings).
#include "services/bookings/model.hpp"

#include <cppconn/resultset.h>

namespace keel::bookings {

// "id, name, email, ..." in the order read_row expects.
extern const char* const kColumns;
Booking read_row(sql::ResultSet& rs);

}  // namespace keel::bookings
