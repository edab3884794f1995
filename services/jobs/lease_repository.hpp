#pragma once
// The job_leases table (migrations/0004_job_leases.sql). Every decision is
// one conditional UPDATE in database time (NOW(3)), so instances with
// skewed clocks agree and a Galera cluster certifies it like any write
// (GET_LOCK is not cluster-wide there).
#include "services/db/pool.hpp"
#include "services/jobs/leases.hpp"

namespace keel::jobs {

class LeaseRepository : public LeaseStore {
 public:
  explicit LeaseRepository(db::Pool& pool) : pool_(pool) {}
  boost::asio::awaitable<bool> take(std::string name, std::string owner, std::chrono::milliseconds hold,
                                    std::chrono::milliseconds next_in, bool due_only) override;
  boost::asio::awaitable<bool> renew(std::string name, std::string owner, std::chrono::milliseconds hold) override;
  boost::asio::awaitable<void> release(std::string name, std::string owner) override;
  boost::asio::awaitable<std::map<std::string, LeaseView>> holders() override;

 private:
  db::Pool& pool_;
};

}  // namespace keel::jobs
