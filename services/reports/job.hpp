#pragma once
// The `report` job's body: the period since the previous report (or 30 days
// back), its figures by GROUP BY, its bookings in keyset pages rendered into
// a gzip temp file (services/reports/report_file), then stored in one
// transaction and the oldest reports beyond `keep` deleted. The temp file
// is removed on every path; the stop flag is checked between pages.
#include "http/blocking.hpp"
#include "services/jobs/job.hpp"
#include "services/reports/repository.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <string>

namespace keel::reports {

struct JobOptions {
  std::string tmp_dir;  // the data folder's tmp/
  unsigned keep = 30;   // KEEL_REPORT_KEEP
  int page_rows = 1000;
  std::chrono::milliseconds page_pause{0};  // tests: a pause between pages (cancellable)
  std::uint64_t max_packet = 0;             // tests: a limit below the server's max_allowed_packet
};

constexpr std::int64_t kFirstPeriod = 30 * kDay;

boost::asio::awaitable<void> run_report(Repository& repo, BlockingPool& blocking, const JobOptions& options,
                                        jobs::JobRun& run);

}  // namespace keel::reports
