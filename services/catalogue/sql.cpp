#include "services/catalogue/sql.hpp"

#include "services/bookings/model.hpp"
#include "services/catalogue/json_parts.hpp"
#include "services/catalogue/slug.hpp"

#include <cppconn/prepared_statement.h>

#include <memory>

namespace keel::catalogue {

const char* const kServiceColumns =
    "id, slug, name, description, durations, buffer_before_min, buffer_after_min, slot_step_min, active, "
    "opening_hours, closed_dates, bookings_version, updated_at";

namespace {
nlohmann::json column_json(sql::ResultSet& rs, const char* column) {
  return nlohmann::json::parse(std::string(rs.getString(column)));
}
}  // namespace

Service read_service(sql::ResultSet& rs) {
  Service s;
  s.id = rs.getInt64("id");
  s.slug = rs.getString("slug");
  s.name = rs.getString("name");
  s.description = rs.getString("description");
  s.durations = durations_from(column_json(rs, "durations"));
  s.buffer_before_min = rs.getInt("buffer_before_min");
  s.buffer_after_min = rs.getInt("buffer_after_min");
  s.slot_step_min = rs.getInt("slot_step_min");
  s.active = rs.getInt("active") != 0;
  s.opening_hours = opening_hours_from(column_json(rs, "opening_hours"));
  s.closed_days = closed_dates_from(column_json(rs, "closed_dates"));
  s.bookings_version = rs.getUInt64("bookings_version");
  s.updated_at = bookings::sql_to_iso(std::string(rs.getString("updated_at")));
  return s;
}

std::optional<Service> lock_service(sql::Connection& c, const std::string& slug) {
  // Anything else cannot be in the ascii column (and would not convert to it).
  if (!valid_slug(slug)) return std::nullopt;
  std::unique_ptr<sql::PreparedStatement> ps(
      c.prepareStatement(std::string("SELECT ") + kServiceColumns + " FROM services WHERE slug = ? FOR UPDATE"));
  ps->setString(1, slug);
  std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
  if (!rs->next()) return std::nullopt;
  return read_service(*rs);
}

void bump_bookings_version(sql::Connection& c, const std::string& slug) {
  if (!valid_slug(slug)) return;
  std::unique_ptr<sql::PreparedStatement> ps(c.prepareStatement(
      "UPDATE services SET bookings_version = bookings_version + 1, updated_at = updated_at WHERE slug = ?"));
  ps->setString(1, slug);
  ps->executeUpdate();
}

}  // namespace keel::catalogue
