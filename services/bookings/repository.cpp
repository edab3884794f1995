#include "services/bookings/repository.hpp"

#include "services/bookings/row.hpp"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

namespace keel::bookings {

const char* const kColumns =
    "id, name, email, phone, service, starts_at, duration_minutes, notes, status, created_at, updated_at";

Booking read_row(sql::ResultSet& rs) {
  Booking b;
  b.id = rs.getInt64("id");
  b.name = rs.getString("name");
  b.email = rs.getString("email");
  if (!rs.isNull("phone")) b.phone = std::string(rs.getString("phone"));
  b.service = rs.getString("service");
  b.starts_at = from_sql_datetime(std::string(rs.getString("starts_at"))).value_or(0);
  b.duration_minutes = rs.getInt("duration_minutes");
  if (!rs.isNull("notes")) b.notes = std::string(rs.getString("notes"));
  b.status = rs.getString("status");
  b.created_at = sql_to_iso(std::string(rs.getString("created_at")));
  b.updated_at = sql_to_iso(std::string(rs.getString("updated_at")));
  return b;
}

namespace {

std::optional<Booking> select_one(sql::Connection& c, std::int64_t id, bool for_update) {
  std::string q = std::string("SELECT ") + kColumns + " FROM bookings WHERE id = ?" + (for_update ? " FOR UPDATE" : "");
  std::unique_ptr<sql::PreparedStatement> ps(c.prepareStatement(q));
  ps->setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
  if (!rs->next()) return std::nullopt;
  return read_row(*rs);
}

// The WHERE clause of a filter: fixed fragments, values bound in order.
struct Where {
  std::string sql = " WHERE 1=1";
  std::vector<std::function<void(sql::PreparedStatement&, int)>> binds;
};

Where where_of(const ListFilter& f) {
  Where w;
  if (f.status) {
    w.sql += " AND status = ?";
    w.binds.push_back([v = *f.status](sql::PreparedStatement& p, int i) { p.setString(i, v); });
  }
  if (f.service) {
    w.sql += " AND service = ?";
    w.binds.push_back([v = *f.service](sql::PreparedStatement& p, int i) { p.setString(i, v); });
  }
  if (f.from) {
    w.sql += " AND starts_at >= ?";
    w.binds.push_back([v = to_sql_datetime(*f.from)](sql::PreparedStatement& p, int i) { p.setDateTime(i, v); });
  }
  if (f.to) {
    w.sql += " AND starts_at < ?";
    w.binds.push_back([v = to_sql_datetime(*f.to)](sql::PreparedStatement& p, int i) { p.setDateTime(i, v); });
  }
  return w;
}

int bind_all(sql::PreparedStatement& ps, const Where& w) {
  int i = 1;
  for (const auto& b : w.binds) b(ps, i++);
  return i;
}

}  // namespace

boost::asio::awaitable<Booking> Repository::create(NewBooking nb, std::string token_hash_hex) {
  auto job = [nb = std::move(nb), hash = std::move(token_hash_hex)](sql::Connection& c) {
    {
      // Make sure the service's lock row exists (outside the transaction,
      // so two first bookings of a new service do not deadlock on it).
      std::unique_ptr<sql::PreparedStatement> ins(
          c.prepareStatement("INSERT IGNORE INTO booking_service_locks (service) VALUES (?)"));
      ins->setString(1, nb.service);
      ins->executeUpdate();
    }
    c.setAutoCommit(false);
    {
      std::unique_ptr<sql::PreparedStatement> lock(
          c.prepareStatement("SELECT service FROM booking_service_locks WHERE service = ? FOR UPDATE"));
      lock->setString(1, nb.service);
      std::unique_ptr<sql::ResultSet> rs(lock->executeQuery());
    }
    const std::string start = to_sql_datetime(nb.starts_at);
    const std::string end = to_sql_datetime(nb.starts_at + std::int64_t{nb.duration_minutes} * 60);
    {
      std::unique_ptr<sql::PreparedStatement> overlap(
          c.prepareStatement("SELECT 1 FROM bookings WHERE service = ? AND status <> 'cancelled' AND starts_at < ? AND "
                             "ends_at > ? LIMIT 1"));
      overlap->setString(1, nb.service);
      overlap->setDateTime(2, end);
      overlap->setDateTime(3, start);
      std::unique_ptr<sql::ResultSet> rs(overlap->executeQuery());
      if (rs->next()) {
        c.rollback();
        c.setAutoCommit(true);
        throw SlotTaken();
      }
    }
    std::int64_t id = 0;
    {
      std::unique_ptr<sql::PreparedStatement> ins(c.prepareStatement(
          "INSERT INTO bookings (name, email, phone, service, starts_at, ends_at, duration_minutes, notes, status, "
          "manage_token_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', UNHEX(?))"));
      ins->setString(1, nb.name);
      ins->setString(2, nb.email);
      if (nb.phone)
        ins->setString(3, *nb.phone);
      else
        ins->setNull(3, 0);
      ins->setString(4, nb.service);
      ins->setDateTime(5, start);
      ins->setDateTime(6, end);
      ins->setInt(7, nb.duration_minutes);
      if (nb.notes)
        ins->setString(8, *nb.notes);
      else
        ins->setNull(8, 0);
      ins->setString(9, hash);
      ins->executeUpdate();
      std::unique_ptr<sql::PreparedStatement> last(c.prepareStatement("SELECT LAST_INSERT_ID()"));
      std::unique_ptr<sql::ResultSet> rs(last->executeQuery());
      rs->next();
      id = rs->getInt64(1);
    }
    auto b = select_one(c, id, false);
    c.commit();
    c.setAutoCommit(true);
    return *b;
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<std::optional<Booking>> Repository::get(std::int64_t id) {
  auto job = [id](sql::Connection& c) { return select_one(c, id, false); };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<std::optional<Booking>> Repository::get_with_token(std::int64_t id, std::string hash) {
  auto job = [id, hash = std::move(hash)](sql::Connection& c) -> std::optional<Booking> {
    std::unique_ptr<sql::PreparedStatement> ps(c.prepareStatement(
        std::string("SELECT ") + kColumns + " FROM bookings WHERE id = ? AND manage_token_hash = UNHEX(?)"));
    ps->setInt64(1, id);
    ps->setString(2, hash);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    if (!rs->next()) return std::nullopt;
    return read_row(*rs);
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<std::optional<std::int64_t>> Repository::id_for_token(std::string hash) {
  auto job = [hash = std::move(hash)](sql::Connection& c) -> std::optional<std::int64_t> {
    std::unique_ptr<sql::PreparedStatement> ps(
        c.prepareStatement("SELECT id FROM bookings WHERE manage_token_hash = UNHEX(?)"));
    ps->setString(1, hash);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    if (!rs->next()) return std::nullopt;
    return rs->getInt64(1);
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<std::optional<Booking>> Repository::set_status(std::int64_t id, std::string to) {
  auto job = [id, to = std::move(to)](sql::Connection& c) -> std::optional<Booking> {
    c.setAutoCommit(false);
    auto current = select_one(c, id, true);
    if (!current) {
      c.rollback();
      c.setAutoCommit(true);
      return std::nullopt;
    }
    if (!transition_allowed(current->status, to)) {
      c.rollback();
      c.setAutoCommit(true);
      throw TransitionNotAllowed(current->status, to);
    }
    std::unique_ptr<sql::PreparedStatement> up(c.prepareStatement("UPDATE bookings SET status = ? WHERE id = ?"));
    up->setString(1, to);
    up->setInt64(2, id);
    up->executeUpdate();
    auto after = select_one(c, id, false);
    c.commit();
    c.setAutoCommit(true);
    return after;
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<Page> Repository::list(ListFilter f) {
  auto job = [f = std::move(f)](sql::Connection& c) {
    Where w = where_of(f);
    Page page;
    {
      std::unique_ptr<sql::PreparedStatement> ps(c.prepareStatement("SELECT COUNT(*) FROM bookings" + w.sql));
      bind_all(*ps, w);
      std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
      rs->next();
      page.total = rs->getUInt64(1);
    }
    std::unique_ptr<sql::PreparedStatement> ps(c.prepareStatement(std::string("SELECT ") + kColumns + " FROM bookings" +
                                                                  w.sql + " ORDER BY starts_at, id LIMIT ? OFFSET ?"));
    int i = bind_all(*ps, w);
    ps->setInt(i, f.limit);
    ps->setInt64(i + 1, f.offset);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    while (rs->next()) page.items.push_back(read_row(*rs));
    return page;
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<std::vector<Booking>> Repository::batch_after(ListFilter f, std::optional<Cursor> after,
                                                                     int limit) {
  auto job = [f = std::move(f), after, limit](sql::Connection& c) {
    Where w = where_of(f);
    std::string q = std::string("SELECT ") + kColumns + " FROM bookings" + w.sql;
    if (after) q += " AND (starts_at > ? OR (starts_at = ? AND id > ?))";
    q += " ORDER BY starts_at, id LIMIT ?";
    std::unique_ptr<sql::PreparedStatement> ps(c.prepareStatement(q));
    int i = bind_all(*ps, w);
    if (after) {
      std::string at = to_sql_datetime(after->starts_at);
      ps->setDateTime(i++, at);
      ps->setDateTime(i++, at);
      ps->setInt64(i++, after->id);
    }
    ps->setInt(i, limit);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    std::vector<Booking> out;
    out.reserve(static_cast<std::size_t>(limit));
    while (rs->next()) out.push_back(read_row(*rs));
    return out;
  };
  co_return co_await pool_.run(std::move(job));
}

}  // namespace keel::bookings
