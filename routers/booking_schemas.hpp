#pragma once
// The bookings input models (one definition: validation and JSON Schema)
// and the JSON shape of a booking.
#include "http/validation.hpp"
#include "services/bookings/model.hpp"

#include <nlohmann/json.hpp>

namespace keel::booking_schemas {
const validation::Model& create_model();
const validation::Model& status_model();
const validation::Model& reschedule_model();
// From a body that passed reschedule_model().
std::int64_t reschedule_start(const nlohmann::json& body);
std::optional<int> reschedule_duration(const nlohmann::json& body);
const validation::Model& list_query_model();
nlohmann::json booking_schema(bool with_token);
nlohmann::json page_schema();
nlohmann::json to_json(const bookings::Booking& b);
// Builds a NewBooking from a body that passed create_model().
bookings::NewBooking new_booking_from(const nlohmann::json& body);
}  // namespace keel::booking_schemas
