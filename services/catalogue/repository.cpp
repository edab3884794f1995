#include "services/catalogue/repository.hpp"

#include "services/catalogue/json_parts.hpp"
#include "services/catalogue/slug.hpp"
#include "services/catalogue/sql.hpp"
#include "services/db/connection.hpp"

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

namespace keel::catalogue {

namespace {

constexpr int kDuplicateKey = 1062;  // ER_DUP_ENTRY

std::optional<Service> select_where(sql::Connection& c, const char* where, const std::string& value) {
  std::unique_ptr<sql::PreparedStatement> ps(
      c.prepareStatement(std::string("SELECT ") + kServiceColumns + " FROM services WHERE " + where));
  ps->setString(1, value);
  std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
  if (!rs->next()) return std::nullopt;
  return read_service(*rs);
}

// Binds the fields of `s` a create or a replace writes, from parameter 1:
// name, description, durations, buffer_before_min, buffer_after_min,
// slot_step_min, active, opening_hours, closed_dates. Returns the next index.
int bind_fields(sql::PreparedStatement& ps, const Service& s) {
  ps.setString(1, s.name);
  ps.setString(2, s.description);
  ps.setString(3, durations_json(s.durations).dump());
  ps.setInt(4, s.buffer_before_min);
  ps.setInt(5, s.buffer_after_min);
  ps.setInt(6, s.slot_step_min);
  ps.setInt(7, s.active ? 1 : 0);
  ps.setString(8, opening_hours_json(s.opening_hours).dump());
  ps.setString(9, closed_dates_json(s.closed_days).dump());
  return 10;
}

void finish(sql::Connection& c, bool commit) {
  if (commit)
    db::commit(c);
  else
    c.rollback();
  c.setAutoCommit(true);
}

}  // namespace

boost::asio::awaitable<std::vector<Service>> Repository::list(bool include_inactive) {
  auto job = [include_inactive](sql::Connection& c) {
    std::unique_ptr<sql::PreparedStatement> ps(
        c.prepareStatement(std::string("SELECT ") + kServiceColumns + " FROM services" +
                           (include_inactive ? "" : " WHERE active = 1") + " ORDER BY slug"));
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    std::vector<Service> out;
    while (rs->next()) out.push_back(read_service(*rs));
    return out;
  };
  co_return co_await pool_.read(job);
}

boost::asio::awaitable<std::optional<Service>> Repository::get(std::string slug) {
  if (!valid_slug(slug)) co_return std::nullopt;
  auto job = [slug = std::move(slug)](sql::Connection& c) { return select_where(c, "slug = ?", slug); };
  co_return co_await pool_.read(std::move(job));
}

boost::asio::awaitable<std::optional<Service>> Repository::find_for_booking(std::string name) {
  auto job = [name = std::move(name)](sql::Connection& c) -> std::optional<Service> {
    if (valid_slug(name))
      if (auto s = select_where(c, "slug = ?", name)) return s;
    return select_where(c, "legacy_name = ?", name);
  };
  co_return co_await pool_.read(std::move(job));
}

boost::asio::awaitable<Service> Repository::create(Service s) {
  auto job = [s = std::move(s)](sql::Connection& c) {
    std::unique_ptr<sql::PreparedStatement> ins(c.prepareStatement(
        "INSERT INTO services (name, description, durations, buffer_before_min, buffer_after_min, slot_step_min, "
        "active, opening_hours, closed_dates, slug) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    ins->setString(bind_fields(*ins, s), s.slug);
    try {
      ins->executeUpdate();
    } catch (const sql::SQLException& e) {
      if (e.getErrorCode() == kDuplicateKey) throw DuplicateSlug(s.slug);
      throw;
    }
    return *select_where(c, "slug = ?", s.slug);
  };
  co_return co_await pool_.transact(std::move(job));
}

boost::asio::awaitable<std::optional<Service>> Repository::replace(std::string slug, Service s) {
  if (!valid_slug(slug)) co_return std::nullopt;
  auto job = [slug = std::move(slug), s = std::move(s)](sql::Connection& c) -> std::optional<Service> {
    c.setAutoCommit(false);
    if (!lock_service(c, slug)) {
      finish(c, false);
      return std::nullopt;
    }
    std::unique_ptr<sql::PreparedStatement> up(c.prepareStatement(
        "UPDATE services SET name = ?, description = ?, durations = ?, buffer_before_min = ?, buffer_after_min = ?, "
        "slot_step_min = ?, active = ?, opening_hours = ?, closed_dates = ? WHERE slug = ?"));
    up->setString(bind_fields(*up, s), slug);
    up->executeUpdate();
    auto after = select_where(c, "slug = ?", slug);
    finish(c, true);
    return after;
  };
  co_return co_await pool_.transact(std::move(job));
}

boost::asio::awaitable<std::optional<bool>> Repository::remove(std::string slug) {
  if (!valid_slug(slug)) co_return std::nullopt;
  auto job = [slug = std::move(slug)](sql::Connection& c) -> std::optional<bool> {
    c.setAutoCommit(false);
    // The row lock orders this against a booking's create, which locks it too.
    if (!lock_service(c, slug)) {
      finish(c, false);
      return std::nullopt;
    }
    {
      // By slug, or by the free-text name the entry was made from.
      std::unique_ptr<sql::PreparedStatement> used(c.prepareStatement(
          "SELECT 1 FROM bookings WHERE service = ? OR service = (SELECT legacy_name FROM services WHERE slug = ?) "
          "LIMIT 1"));
      used->setString(1, slug);
      used->setString(2, slug);
      std::unique_ptr<sql::ResultSet> rs(used->executeQuery());
      if (rs->next()) {
        finish(c, false);
        throw ServiceInUse(slug);
      }
    }
    std::unique_ptr<sql::PreparedStatement> del(c.prepareStatement("DELETE FROM services WHERE slug = ?"));
    del->setString(1, slug);
    del->executeUpdate();
    finish(c, true);
    return true;
  };
  co_return co_await pool_.transact(std::move(job));
}

}  // namespace keel::catalogue
