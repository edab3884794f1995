#include "routers/booking_schemas.hpp"

#include "http/text/iso_datetime.hpp"

namespace keel::booking_schemas {

using nlohmann::json;
using validation::Field;
using validation::Kind;

const validation::Model& create_model() {
  static const validation::Model m{
      "BookingCreate",
      {
          Field{.name = "name",
                .min_length = 1,
                .max_length = 120,
                .description = "Customer name",
                .example = "Zoë Ångström"},
          Field{.name = "email", .kind = Kind::email, .description = "Customer email", .example = "zoe@example.com"},
          Field{.name = "phone", .required = false, .nullable = true, .max_length = 40, .example = "+46 70 123 45 67"},
          Field{.name = "service",
                .min_length = 1,
                .max_length = 80,
                .description = "The service's slug (GET /api/services)",
                .example = "massage"},
          Field{.name = "starts_at",
                .kind = Kind::datetime,
                .description = "Start, ISO 8601 with a UTC offset",
                .example = "2026-12-01T09:30:00+01:00"},
          Field{.name = "duration_minutes",
                .kind = Kind::integer,
                .minimum = 5,
                .maximum = 1440,
                .description = "One of the service's durations",
                .example = 60},
          Field{.name = "notes", .required = false, .nullable = true, .max_length = 2000},
      }};
  return m;
}

const validation::Model& reschedule_model() {
  static const validation::Model m{
      "BookingReschedule",
      {
          Field{.name = "starts_at",
                .kind = Kind::datetime,
                .description = "The new start, ISO 8601 with a UTC offset",
                .example = "2026-12-11T10:00:00+01:00"},
          Field{.name = "duration_minutes",
                .kind = Kind::integer,
                .required = false,
                .minimum = 5,
                .maximum = 1440,
                .description = "One of the service's durations (default: the booking's own)"},
      }};
  return m;
}

std::int64_t reschedule_start(const json& body) {
  return *text::parse_iso_datetime(body.at("starts_at").get<std::string>());
}

std::optional<int> reschedule_duration(const json& body) {
  if (auto it = body.find("duration_minutes"); it != body.end() && it->is_number_integer()) return it->get<int>();
  return std::nullopt;
}

const validation::Model& status_model() {
  static const validation::Model m{
      "BookingStatusChange",
      {Field{.name = "status",
             .kind = Kind::enumeration,
             .enum_values = bookings::statuses(),
             .description = "pending -> confirmed -> completed; pending or confirmed -> cancelled"}}};
  return m;
}

const validation::Model& list_query_model() {
  static const validation::Model m{
      "BookingListQuery",
      {
          Field{.name = "status", .kind = Kind::enumeration, .required = false, .enum_values = bookings::statuses()},
          Field{.name = "service", .required = false, .min_length = 1, .max_length = 80},
          Field{.name = "from",
                .kind = Kind::datetime,
                .required = false,
                .description = "starts_at on or after (ISO 8601 date or date-time)"},
          Field{.name = "to",
                .kind = Kind::datetime,
                .required = false,
                .description = "starts_at before (ISO 8601 date or date-time)"},
          Field{.name = "limit",
                .kind = Kind::integer,
                .required = false,
                .minimum = 1,
                .maximum = 500,
                .description = "page size (default 50)"},
          Field{
              .name = "offset", .kind = Kind::integer, .required = false, .minimum = 0, .description = "rows to skip"},
      }};
  return m;
}

json booking_schema(bool with_token) {
  json props = {
      {"id", {{"type", "integer"}}},
      {"name", {{"type", "string"}}},
      {"email", {{"type", "string"}, {"format", "email"}}},
      {"phone", {{"type", json::array({"string", "null"})}}},
      {"service", {{"type", "string"}, {"description", "the service's slug"}}},
      {"service_name", {{"type", "string"}}},
      {"starts_at", {{"type", "string"}, {"format", "date-time"}}},
      {"duration_minutes", {{"type", "integer"}}},
      {"notes", {{"type", json::array({"string", "null"})}}},
      {"status", {{"type", "string"}, {"enum", bookings::statuses()}}},
      {"created_at", {{"type", "string"}, {"format", "date-time"}}},
      {"updated_at", {{"type", "string"}, {"format", "date-time"}}},
  };
  json required = json::array({"id", "name", "email", "phone", "service", "service_name", "starts_at",
                               "duration_minutes", "notes",
                               "status", "created_at", "updated_at"});
  if (with_token) {
    props["manage_token"] = {
        {"type", "string"},
        {"description", "Bearer token to read, cancel and upload for this booking; shown only once"}};
    required.push_back("manage_token");
  }
  return {{"type", "object"},
          {"title", with_token ? "BookingCreated" : "Booking"},
          {"properties", props},
          {"required", required}};
}

json page_schema() {
  return {{"type", "object"},
          {"title", "BookingPage"},
          {"required", json::array({"total", "items"})},
          {"properties",
           {{"total", {{"type", "integer"}}}, {"items", {{"type", "array"}, {"items", booking_schema(false)}}}}}};
}

json to_json(const bookings::Booking& b) {
  return {{"id", b.id},
          {"name", b.name},
          {"email", b.email},
          {"phone", b.phone ? json(*b.phone) : json(nullptr)},
          {"service", b.service},
          {"service_name", b.service_name},
          {"starts_at", text::format_iso_utc(b.starts_at)},
          {"duration_minutes", b.duration_minutes},
          {"notes", b.notes ? json(*b.notes) : json(nullptr)},
          {"status", b.status},
          {"created_at", b.created_at},
          {"updated_at", b.updated_at}};
}

bookings::NewBooking new_booking_from(const json& body) {
  bookings::NewBooking nb;
  nb.name = body.at("name").get<std::string>();
  nb.email = body.at("email").get<std::string>();
  if (auto it = body.find("phone"); it != body.end() && it->is_string()) nb.phone = it->get<std::string>();
  nb.service = body.at("service").get<std::string>();
  nb.starts_at = *text::parse_iso_datetime(body.at("starts_at").get<std::string>());
  nb.duration_minutes = body.at("duration_minutes").get<int>();
  if (auto it = body.find("notes"); it != body.end() && it->is_string()) nb.notes = it->get<std::string>();
  return nb;
}

}  // namespace keel::booking_schemas
