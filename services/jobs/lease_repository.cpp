#include "services/jobs/lease_repository.hpp"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <memory>

namespace keel::jobs {

namespace {
std::int64_t micros(std::chrono::milliseconds d) { return static_cast<std::int64_t>(d.count()) * 1000; }
}  // namespace

boost::asio::awaitable<bool> LeaseRepository::take(std::string name, std::string owner, std::chrono::milliseconds hold,
                                                   std::chrono::milliseconds next_in, bool due_only) {
  auto job = [name = std::move(name), owner = std::move(owner), hold, next_in, due_only](sql::Connection& c) {
    // The row exists once per job; taking it is then the one UPDATE.
    std::unique_ptr<sql::PreparedStatement> ins(c.prepareStatement("INSERT IGNORE INTO job_leases (name) VALUES (?)"));
    ins->setString(1, name);
    ins->executeUpdate();
    std::string q =
        "UPDATE job_leases SET owner = ?, last_run_by = ?, until = NOW(3) + INTERVAL ? MICROSECOND, "
        "next_due = NOW(3) + INTERVAL ? MICROSECOND "
        "WHERE name = ? AND (until IS NULL OR until <= NOW(3))";
    if (due_only) q += " AND (next_due IS NULL OR next_due <= NOW(3))";
    std::unique_ptr<sql::PreparedStatement> up(c.prepareStatement(q));
    up->setString(1, owner);
    up->setString(2, owner);
    up->setInt64(3, micros(hold));
    up->setInt64(4, micros(next_in));
    up->setString(5, name);
    return up->executeUpdate() == 1;
  };
  // On Galera two nodes may both find the lease free; the later commit fails
  // certification, and its rerun finds it taken.
  co_return co_await pool_.transact(std::move(job));
}

boost::asio::awaitable<bool> LeaseRepository::renew(std::string name, std::string owner,
                                                    std::chrono::milliseconds hold) {
  auto job = [name = std::move(name), owner = std::move(owner), hold](sql::Connection& c) {
    std::unique_ptr<sql::PreparedStatement> up(c.prepareStatement(
        "UPDATE job_leases SET until = NOW(3) + INTERVAL ? MICROSECOND WHERE name = ? AND owner = ?"));
    up->setInt64(1, micros(hold));
    up->setString(2, name);
    up->setString(3, owner);
    return up->executeUpdate() == 1;
  };
  co_return co_await pool_.transact(std::move(job));
}

boost::asio::awaitable<void> LeaseRepository::release(std::string name, std::string owner) {
  auto job = [name = std::move(name), owner = std::move(owner)](sql::Connection& c) {
    std::unique_ptr<sql::PreparedStatement> up(
        c.prepareStatement("UPDATE job_leases SET owner = NULL, until = NULL WHERE name = ? AND owner = ?"));
    up->setString(1, name);
    up->setString(2, owner);
    up->executeUpdate();
  };
  co_await pool_.transact(std::move(job));
}

boost::asio::awaitable<std::map<std::string, LeaseView>> LeaseRepository::holders() {
  auto job = [](sql::Connection& c) {
    std::unique_ptr<sql::Statement> st(c.createStatement());
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery(
        "SELECT name, IF(owner IS NOT NULL AND until > NOW(3), owner, NULL), last_run_by FROM job_leases"));
    std::map<std::string, LeaseView> out;
    while (rs->next()) {
      LeaseView& v = out[std::string(rs->getString(1))];
      if (!rs->isNull(2)) v.holder = std::string(rs->getString(2));
      if (!rs->isNull(3)) v.last_run_by = std::string(rs->getString(3));
    }
    return out;
  };
  co_return co_await pool_.read(job);
}

}  // namespace keel::jobs
