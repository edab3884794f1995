#pragma once
// The services table, row by row, on a connection someone else checked out:
// for use inside another repository's transaction (a booking's create,
// reschedule or cancel locks its service, checks it, and bumps its
// bookings_version in the same transaction). Blocking; SQL errors propagate.
#include "services/catalogue/model.hpp"

#include <cppconn/connection.h>
#include <cppconn/resultset.h>

#include <optional>
#include <string>

namespace keel::catalogue {

// "id, slug, name, ..." in the order read_service expects.
extern const char* const kServiceColumns;
Service read_service(sql::ResultSet& rs);

// SELECT ... FOR UPDATE of the service with this slug (nothing when there is
// none, or `slug` is not a slug): held until the caller's transaction ends.
std::optional<Service> lock_service(sql::Connection& c, const std::string& slug);

// bookings_version + 1 (updated_at unchanged: the service itself did not change).
void bump_bookings_version(sql::Connection& c, const std::string& slug);

}  // namespace keel::catalogue
