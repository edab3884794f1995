#include "services/bookings/repository.hpp"

#include "services/bookings/row.hpp"
#include "services/catalogue/sql.hpp"
#include "services/db/connection.hpp"
#include "services/db/errors.hpp"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

namespace keel::bookings {

const char* const kColumns =
    "b.id, b.name, b.email, b.phone, b.service, b.starts_at, b.duration_minutes, b.notes, b.status, b.created_at, "
    "b.updated_at, b.sequence, s.name AS service_name";
// The slug column is ASCII: comparing it with the bookings' utf8mb4 column
// as is would scan every service per booking; converted, it is one lookup
// in the slug's unique index (eq_ref).
const char* const kFrom = " FROM bookings b LEFT JOIN services s ON s.slug = CONVERT(b.service USING ascii)";

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
  b.sequence = rs.getInt64("sequence");
  b.service_name = rs.isNull("service_name") ? b.service : std::string(rs.getString("service_name"));
  return b;
}

namespace {

std::optional<Booking> select_one(sql::Connection& c, std::int64_t id, bool for_update) {
  // FOR UPDATE locks the booking's row (the joined services row is locked
  // first, by lock_service, wherever a booking changes).
  std::string q = std::string("SELECT ") + kColumns + kFrom + " WHERE b.id = ?" + (for_update ? " FOR UPDATE" : "");
  std::unique_ptr<sql::PreparedStatement> ps(c.prepareStatement(q));
  ps->setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
  if (!rs->next()) return std::nullopt;
  return read_row(*rs);
}

// The service (slug) of booking `id`, read without a lock.
std::optional<std::string> service_of(sql::Connection& c, std::int64_t id) {
  std::unique_ptr<sql::PreparedStatement> ps(c.prepareStatement("SELECT service FROM bookings WHERE id = ?"));
  ps->setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
  if (!rs->next()) return std::nullopt;
  return std::string(rs->getString(1));
}

// Does [start, end) with the service's buffers meet another non-cancelled
// booking's occupied interval? Occupied intervals [s - before, e + after)
// meet iff S < e + before + after and E > s - before - after. A locking
// read: it sees the latest commits, not the transaction's snapshot (which
// an earlier plain read, before the service lock was granted, may have
// fixed — 20 concurrent reschedules onto one slot then let 3 through).
bool overlaps(sql::Connection& c, const catalogue::Service& svc, std::int64_t start, std::int64_t end,
              std::optional<std::int64_t> except_id) {
  const std::int64_t pad = std::int64_t{svc.buffer_before_min + svc.buffer_after_min} * 60;
  // starts_at bounded on both sides (a booking lasts at most a day), so the
  // (service, starts_at) index range is the neighbourhood, not every earlier
  // booking of the service.
  constexpr std::int64_t kLongest = 86400;
  std::unique_ptr<sql::PreparedStatement> ps(
      c.prepareStatement("SELECT 1 FROM bookings WHERE service = ? AND starts_at < ? AND starts_at > ? AND "
                         "ends_at > ? AND status <> 'cancelled' AND id <> ? LIMIT 1 LOCK IN SHARE MODE"));
  ps->setString(1, svc.slug);
  ps->setDateTime(2, to_sql_datetime(end + pad));
  ps->setDateTime(3, to_sql_datetime(start - pad - kLongest));
  ps->setDateTime(4, to_sql_datetime(start - pad));
  ps->setInt64(5, except_id.value_or(0));
  std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
  return rs->next();
}

// The WHERE clause of a filter: fixed fragments, values bound in order.
struct Where {
  std::string sql = " WHERE 1=1";
  std::vector<std::function<void(sql::PreparedStatement&, int)>> binds;
};

Where where_of(const ListFilter& f) {
  Where w;
  if (f.status) {
    w.sql += " AND b.status = ?";
    w.binds.push_back([v = *f.status](sql::PreparedStatement& p, int i) { p.setString(i, v); });
  }
  if (f.service) {
    w.sql += " AND b.service = ?";
    w.binds.push_back([v = *f.service](sql::PreparedStatement& p, int i) { p.setString(i, v); });
  }
  if (f.from) {
    w.sql += " AND b.starts_at >= ?";
    w.binds.push_back([v = to_sql_datetime(*f.from)](sql::PreparedStatement& p, int i) { p.setDateTime(i, v); });
  }
  if (f.to) {
    w.sql += " AND b.starts_at < ?";
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

boost::asio::awaitable<Booking> Repository::create(NewBooking nb, std::string token_hash_hex, RuleCheck check) {
  auto job = [nb = std::move(nb), hash = std::move(token_hash_hex), check = std::move(check)](sql::Connection& c) {
    // On any throw the pool rolls the transaction back.
    c.setAutoCommit(false);
    std::optional<catalogue::Service> svc = catalogue::lock_service(c, nb.service);
    if (!svc) throw UnknownService();
    if (auto v = check(*svc, nb.starts_at, nb.duration_minutes)) throw RuleBroken(std::move(*v));
    const std::int64_t end = nb.starts_at + std::int64_t{nb.duration_minutes} * 60;
    if (overlaps(c, *svc, nb.starts_at, end, std::nullopt)) throw SlotTaken();
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
      ins->setString(4, svc->slug);
      ins->setDateTime(5, to_sql_datetime(nb.starts_at));
      ins->setDateTime(6, to_sql_datetime(end));
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
    catalogue::bump_bookings_version(c, svc->slug);
    auto b = select_one(c, id, false);
    // Galera may have aborted the transaction under us: then the row is not
    // there, and nothing was committed.
    if (!b) throw db::TransactionConflict("the new booking was rolled back by a conflict", 1213);
    db::commit(c);
    c.setAutoCommit(true);
    return *b;
  };
  co_return co_await pool_.transact(std::move(job));
}

boost::asio::awaitable<std::optional<Booking>> Repository::reschedule(std::int64_t id, std::int64_t starts_at,
                                                                      std::optional<int> duration_min,
                                                                      RuleCheck check) {
  auto job = [id, starts_at, duration_min, check = std::move(check)](sql::Connection& c) -> std::optional<Booking> {
    c.setAutoCommit(false);
    std::optional<std::string> slug = service_of(c, id);
    if (!slug) return std::nullopt;
    std::optional<catalogue::Service> svc = catalogue::lock_service(c, *slug);
    if (!svc) throw UnknownService();
    std::optional<Booking> current = select_one(c, id, true);
    if (!current) return std::nullopt;
    if (current->status != "pending" && current->status != "confirmed") throw NotReschedulable(current->status);
    const int minutes = duration_min.value_or(current->duration_minutes);
    if (auto v = check(*svc, starts_at, minutes)) throw RuleBroken(std::move(*v));
    const std::int64_t end = starts_at + std::int64_t{minutes} * 60;
    if (overlaps(c, *svc, starts_at, end, id)) throw SlotTaken();
    std::unique_ptr<sql::PreparedStatement> up(
        c.prepareStatement("UPDATE bookings SET starts_at = ?, ends_at = ?, duration_minutes = ?, "
                           "sequence = sequence + 1 WHERE id = ?"));
    up->setDateTime(1, to_sql_datetime(starts_at));
    up->setDateTime(2, to_sql_datetime(end));
    up->setInt(3, minutes);
    up->setInt64(4, id);
    up->executeUpdate();
    catalogue::bump_bookings_version(c, svc->slug);
    auto after = select_one(c, id, false);
    db::commit(c);
    c.setAutoCommit(true);
    return after;
  };
  co_return co_await pool_.transact(std::move(job));
}

boost::asio::awaitable<std::optional<Booking>> Repository::get(std::int64_t id) {
  auto job = [id](sql::Connection& c) { return select_one(c, id, false); };
  co_return co_await pool_.read(std::move(job));
}

boost::asio::awaitable<std::optional<Booking>> Repository::get_with_token(std::int64_t id, std::string hash) {
  auto job = [id, hash = std::move(hash)](sql::Connection& c) -> std::optional<Booking> {
    std::unique_ptr<sql::PreparedStatement> ps(c.prepareStatement(
        std::string("SELECT ") + kColumns + kFrom + " WHERE b.id = ? AND b.manage_token_hash = UNHEX(?)"));
    ps->setInt64(1, id);
    ps->setString(2, hash);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    if (!rs->next()) return std::nullopt;
    return read_row(*rs);
  };
  co_return co_await pool_.read(std::move(job));
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
  co_return co_await pool_.read(std::move(job));
}

boost::asio::awaitable<std::optional<Booking>> Repository::set_status(std::int64_t id, std::string to) {
  auto job = [id, to = std::move(to)](sql::Connection& c) -> std::optional<Booking> {
    c.setAutoCommit(false);
    // The service row first, then the booking's: the order create and
    // reschedule take them in, so these never deadlock each other.
    std::optional<std::string> slug = service_of(c, id);
    if (!slug) return std::nullopt;
    const bool in_catalogue = catalogue::lock_service(c, *slug).has_value();
    auto current = select_one(c, id, true);
    if (!current) return std::nullopt;
    if (!transition_allowed(current->status, to)) throw TransitionNotAllowed(current->status, to);
    std::unique_ptr<sql::PreparedStatement> up(c.prepareStatement(
        "UPDATE bookings SET status = ?, sequence = sequence + IF(? = 'cancelled', 1, 0) WHERE id = ?"));
    up->setString(1, to);
    up->setString(2, to);
    up->setInt64(3, id);
    up->executeUpdate();
    if (in_catalogue) catalogue::bump_bookings_version(c, *slug);
    auto after = select_one(c, id, false);
    db::commit(c);
    c.setAutoCommit(true);
    return after;
  };
  co_return co_await pool_.transact(std::move(job));
}

boost::asio::awaitable<Page> Repository::list(ListFilter f) {
  auto job = [f = std::move(f)](sql::Connection& c) {
    Where w = where_of(f);
    Page page;
    {
      std::unique_ptr<sql::PreparedStatement> ps(c.prepareStatement("SELECT COUNT(*) FROM bookings b" + w.sql));
      bind_all(*ps, w);
      std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
      rs->next();
      page.total = rs->getUInt64(1);
    }
    std::unique_ptr<sql::PreparedStatement> ps(c.prepareStatement(std::string("SELECT ") + kColumns + kFrom + w.sql +
                                                                  " ORDER BY b.starts_at, b.id LIMIT ? OFFSET ?"));
    int i = bind_all(*ps, w);
    ps->setInt(i, f.limit);
    ps->setInt64(i + 1, f.offset);
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    while (rs->next()) page.items.push_back(read_row(*rs));
    return page;
  };
  co_return co_await pool_.read(std::move(job));
}

boost::asio::awaitable<std::vector<Booking>> Repository::batch_after(ListFilter f, std::optional<Cursor> after,
                                                                     int limit) {
  auto job = [f = std::move(f), after, limit](sql::Connection& c) {
    Where w = where_of(f);
    std::string q = std::string("SELECT ") + kColumns + kFrom + w.sql;
    if (after) q += " AND (b.starts_at > ? OR (b.starts_at = ? AND b.id > ?))";
    q += " ORDER BY b.starts_at, b.id LIMIT ?";
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
  co_return co_await pool_.read(std::move(job));
}

boost::asio::awaitable<std::optional<Repository::AvailabilityInputs>> Repository::availability_inputs(
    std::string slug, std::int64_t from_utc, std::int64_t to_utc) {
  auto job = [slug = std::move(slug), from_utc, to_utc](sql::Connection& c) -> std::optional<AvailabilityInputs> {
    std::optional<AvailabilityInputs> in;
    {
      std::unique_ptr<sql::PreparedStatement> ps(c.prepareStatement(std::string("SELECT ") +
                                                                    catalogue::kServiceColumns +
                                                                    " FROM services WHERE slug = ?"));
      ps->setString(1, slug);
      std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
      if (!rs->next()) return in;
      in.emplace();
      in->service = catalogue::read_service(*rs);
    }
    // Bookings whose occupied interval can reach the range: a booking lasts
    // at most a day and each buffer at most a day.
    constexpr std::int64_t kReach = 3 * 86400;
    std::unique_ptr<sql::PreparedStatement> ps(
        c.prepareStatement("SELECT starts_at, ends_at FROM bookings WHERE service = ? AND starts_at >= ? AND "
                           "starts_at < ? AND status <> 'cancelled'"));
    ps->setString(1, slug);
    ps->setDateTime(2, to_sql_datetime(from_utc - kReach));
    ps->setDateTime(3, to_sql_datetime(to_utc + kReach));
    std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
    while (rs->next()) {
      catalogue::Busy b;
      b.starts_at = from_sql_datetime(std::string(rs->getString(1))).value_or(0);
      b.ends_at = from_sql_datetime(std::string(rs->getString(2))).value_or(0);
      in->busy.push_back(b);
    }
    return in;
  };
  co_return co_await pool_.read(std::move(job));
}

}  // namespace keel::bookings
