#pragma once
// Where job leases live (one row per job: owner, until, next_due). The
// scheduler runs a tick only when take() wins; services/jobs/lease_repository
// keeps them in MariaDB, tests use one in memory.
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>

namespace keel::jobs {

struct LeaseView {
  std::optional<std::string> holder;       // the owner of a lease held now
  std::optional<std::string> last_run_by;  // the owner that took it last
};

class LeaseStore {
 public:
  virtual ~LeaseStore() = default;
  // Takes the lease for `owner` for `hold` when nobody holds it (or its until
  // passed) and, for a tick (due_only), when next_due has come; moves next_due
  // `next_in` on. One conditional statement: exactly one taker wins.
  virtual boost::asio::awaitable<bool> take(std::string name, std::string owner, std::chrono::milliseconds hold,
                                            std::chrono::milliseconds next_in, bool due_only) = 0;
  // Extends a lease `owner` holds; false when it is no longer theirs.
  virtual boost::asio::awaitable<bool> renew(std::string name, std::string owner, std::chrono::milliseconds hold) = 0;
  // Gives the lease up (when `owner` holds it).
  virtual boost::asio::awaitable<void> release(std::string name, std::string owner) = 0;
  // Job name -> who holds its lease now (if anyone) and who took it last.
  virtual boost::asio::awaitable<std::map<std::string, LeaseView>> holders() = 0;
};

}  // namespace keel::jobs
