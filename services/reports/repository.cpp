#include "services/reports/repository.hpp"

#include "services/bookings/row.hpp"
#include "services/db/connection.hpp"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <algorithm>
#include <fstream>
#include <memory>

namespace keel::reports {

namespace {

using Statement = std::unique_ptr<sql::PreparedStatement>;
using Rows = std::unique_ptr<sql::ResultSet>;

constexpr const char* kReportColumns =
    "id, period_from, period_to, created_at, bytes, stored_bytes, sha256, duration_ms";

Report read_report(sql::ResultSet& rs) {
  Report r;
  r.id = rs.getInt64("id");
  r.period_from = bookings::from_sql_datetime(std::string(rs.getString("period_from"))).value_or(0);
  r.period_to = bookings::from_sql_datetime(std::string(rs.getString("period_to"))).value_or(0);
  r.created_at = bookings::sql_to_iso(std::string(rs.getString("created_at")));
  r.bytes = rs.getUInt64("bytes");
  r.stored_bytes = rs.getUInt64("stored_bytes");
  r.sha256 = rs.getString("sha256");
  r.duration_ms = rs.getUInt64("duration_ms");
  return r;
}

// `sql` has two placeholders, the [from, to) of starts_at; rows are (key, count).
std::vector<Count> counts(sql::Connection& c, const char* sql, std::int64_t from, std::int64_t to) {
  Statement ps(c.prepareStatement(sql));
  ps->setDateTime(1, bookings::to_sql_datetime(from));
  ps->setDateTime(2, bookings::to_sql_datetime(to));
  Rows rs(ps->executeQuery());
  std::vector<Count> out;
  while (rs->next()) out.push_back({rs->getString(1), rs->getInt64(2)});
  return out;
}

// The same, keyed by UTC day (seconds since the epoch, whatever the session's zone).
std::vector<DayCount> day_counts(sql::Connection& c, const char* condition, std::int64_t from, std::int64_t to) {
  const std::string sql = std::string(
                              "SELECT TIMESTAMPDIFF(SECOND, '1970-01-01', DATE(starts_at)) AS d, COUNT(*) FROM bookings "
                              "WHERE starts_at >= ? AND starts_at < ?") +
                          condition + " GROUP BY d ORDER BY d";
  Statement ps(c.prepareStatement(sql));
  ps->setDateTime(1, bookings::to_sql_datetime(from));
  ps->setDateTime(2, bookings::to_sql_datetime(to));
  Rows rs(ps->executeQuery());
  std::vector<DayCount> out;
  while (rs->next()) out.push_back({rs->getInt64(1), rs->getInt64(2)});
  return out;
}

}  // namespace

boost::asio::awaitable<std::optional<std::int64_t>> Repository::last_period_to() {
  auto job = [](sql::Connection& c) -> std::optional<std::int64_t> {
    Statement ps(c.prepareStatement("SELECT period_to FROM reports ORDER BY id DESC LIMIT 1"));
    Rows rs(ps->executeQuery());
    if (!rs->next()) return std::nullopt;
    return bookings::from_sql_datetime(std::string(rs->getString(1)));
  };
  co_return co_await pool_.read(std::move(job));
}

boost::asio::awaitable<Summary> Repository::summarize(std::int64_t from, std::int64_t to) {
  auto job = [from, to](sql::Connection& c) {
    Summary s;
    s.from = from;
    s.to = to;
    s.by_status = counts(c,
                         "SELECT status, COUNT(*) FROM bookings WHERE starts_at >= ? AND starts_at < ? "
                         "GROUP BY status ORDER BY status",
                         from, to);
    for (const auto& st : s.by_status) {
      s.total += st.n;
      if (st.key == "cancelled") s.cancelled = st.n;
    }
    s.by_service = counts(c,
                          "SELECT service, COUNT(*) AS n FROM bookings WHERE starts_at >= ? AND starts_at < ? "
                          "GROUP BY service ORDER BY n DESC, service",
                          from, to);
    const std::int64_t today = day_of(to);
    s.per_day = day_counts(c, "", today - (kChartDays - 1) * kDay, to);
    s.upcoming = day_counts(c, " AND status <> 'cancelled'", to, today + kUpcomingDays * kDay);
    return s;
  };
  co_return co_await pool_.read(std::move(job));
}

boost::asio::awaitable<std::size_t> Repository::page(std::int64_t from, std::int64_t to, std::int64_t after,
                                                     int limit, PageUse use, std::int64_t* last_id) {
  const PageUse* usep = &use;
  auto job = [from, to, after, limit, usep, last_id](sql::Connection& c) {
    Statement ps(c.prepareStatement(std::string("SELECT ") + bookings::kColumns + bookings::kFrom +
                                    " WHERE b.id > ? AND b.starts_at >= ? AND b.starts_at < ? "
                                    "ORDER BY b.id LIMIT ?"));
    ps->setInt64(1, after);
    ps->setDateTime(2, bookings::to_sql_datetime(from));
    ps->setDateTime(3, bookings::to_sql_datetime(to));
    ps->setInt(4, limit);
    Rows rs(ps->executeQuery());
    std::vector<bookings::Booking> rows;
    rows.reserve(static_cast<std::size_t>(limit));
    while (rs->next()) rows.push_back(bookings::read_row(*rs));
    rs.reset();
    if (!rows.empty()) *last_id = rows.back().id;
    (*usep)(rows);
    return rows.size();
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<std::int64_t> Repository::insert(NewReport r) {
  const NewReport* rp = &r;
  auto job = [rp](sql::Connection& c) {
    std::uint64_t max_packet = 0;
    {
      Statement ps(c.prepareStatement("SELECT @@max_allowed_packet"));
      Rows rs(ps->executeQuery());
      rs->next();
      max_packet = rs->getUInt64(1);
    }
    if (rp->max_packet > 0) max_packet = std::min(max_packet, rp->max_packet);
    // The server refuses the streamed parameter only once all of it was
    // sent; refusing here is cheaper and says why.
    if (rp->stored_bytes > max_packet)
      throw TooLarge("report body of " + std::to_string(rp->stored_bytes) +
                     " bytes (gzip) is over the database's max_allowed_packet (" + std::to_string(max_packet) +
                     " bytes)");
    std::ifstream body(rp->body_path, std::ios::binary);
    if (!body) throw std::runtime_error("cannot read the rendered report");
    c.setAutoCommit(false);
    std::int64_t id = 0;
    {
      Statement ps(c.prepareStatement(
          "INSERT INTO reports (period_from, period_to, bytes, stored_bytes, sha256, duration_ms) "
          "VALUES (?, ?, ?, ?, ?, 0)"));
      ps->setDateTime(1, bookings::to_sql_datetime(rp->period_from));
      ps->setDateTime(2, bookings::to_sql_datetime(rp->period_to));
      ps->setUInt64(3, rp->bytes);
      ps->setUInt64(4, rp->stored_bytes);
      ps->setString(5, rp->sha256);
      ps->executeUpdate();
      Statement last(c.prepareStatement("SELECT LAST_INSERT_ID()"));
      Rows rs(last->executeQuery());
      rs->next();
      id = rs->getInt64(1);
    }
    {
      // Sent in pieces (mysql_stmt_send_long_data) as the stream is read.
      Statement ps(c.prepareStatement("INSERT INTO report_bodies (report_id, body) VALUES (?, ?)"));
      ps->setInt64(1, id);
      ps->setBlob(2, &body);
      ps->executeUpdate();
    }
    {
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                            rp->started)
                          .count();
      Statement ps(c.prepareStatement("UPDATE reports SET duration_ms = ? WHERE id = ?"));
      ps->setUInt64(1, static_cast<std::uint64_t>(ms));
      ps->setInt64(2, id);
      ps->executeUpdate();
    }
    db::commit(c);
    c.setAutoCommit(true);
    return id;
  };
  co_return co_await pool_.transact(std::move(job));
}

boost::asio::awaitable<std::uint64_t> Repository::prune(unsigned keep) {
  auto job = [keep](sql::Connection& c) -> std::uint64_t {
    // The oldest report kept; everything older goes (bodies by cascade).
    Statement ps(c.prepareStatement("SELECT id FROM reports ORDER BY id DESC LIMIT 1 OFFSET ?"));
    ps->setUInt(1, keep - 1);
    Rows rs(ps->executeQuery());
    if (!rs->next()) return 0;
    const std::int64_t oldest_kept = rs->getInt64(1);
    Statement del(c.prepareStatement("DELETE FROM reports WHERE id < ?"));
    del->setInt64(1, oldest_kept);
    return static_cast<std::uint64_t>(del->executeUpdate());
  };
  co_return co_await pool_.transact(std::move(job));
}

boost::asio::awaitable<ReportPage> Repository::list(int limit, std::int64_t offset) {
  auto job = [limit, offset](sql::Connection& c) {
    ReportPage page;
    {
      Statement ps(c.prepareStatement("SELECT COUNT(*) FROM reports"));
      Rows rs(ps->executeQuery());
      rs->next();
      page.total = rs->getUInt64(1);
    }
    Statement ps(c.prepareStatement(std::string("SELECT ") + kReportColumns +
                                    " FROM reports ORDER BY id DESC LIMIT ? OFFSET ?"));
    ps->setInt(1, limit);
    ps->setInt64(2, offset);
    Rows rs(ps->executeQuery());
    while (rs->next()) page.items.push_back(read_report(*rs));
    return page;
  };
  co_return co_await pool_.read(std::move(job));
}

boost::asio::awaitable<std::optional<Report>> Repository::get(std::int64_t id) {
  auto job = [id](sql::Connection& c) -> std::optional<Report> {
    Statement ps(c.prepareStatement(std::string("SELECT ") + kReportColumns + " FROM reports WHERE id = ?"));
    ps->setInt64(1, id);
    Rows rs(ps->executeQuery());
    if (!rs->next()) return std::nullopt;
    return read_report(*rs);
  };
  co_return co_await pool_.read(std::move(job));
}

boost::asio::awaitable<std::optional<std::string>> Repository::chunk(std::int64_t id, std::uint64_t offset,
                                                                     std::uint64_t length) {
  auto job = [id, offset, length](sql::Connection& c) -> std::optional<std::string> {
    // A plain (text protocol) statement: a prepared one binds its result to
    // a buffer of the column's maximum length. The values are integers.
    std::unique_ptr<sql::Statement> st(c.createStatement());
    Rows rs(st->executeQuery("SELECT SUBSTRING(body, " + std::to_string(offset + 1) + ", " + std::to_string(length) +
                             ") FROM report_bodies WHERE report_id = " + std::to_string(id)));
    if (!rs->next()) return std::nullopt;
    return std::string(rs->getString(1));
  };
  co_return co_await pool_.read(std::move(job));
}

boost::asio::awaitable<bool> Repository::remove(std::int64_t id) {
  auto job = [id](sql::Connection& c) {
    Statement ps(c.prepareStatement("DELETE FROM reports WHERE id = ?"));
    ps->setInt64(1, id);
    return ps->executeUpdate() > 0;
  };
  co_return co_await pool_.transact(std::move(job));
}

}  // namespace keel::reports
