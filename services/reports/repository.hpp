#pragma once
// Reports in MariaDB (migrations/0005_reports.sql) and the bookings queries a
// report is built from. Bookings are read in keyset pages (never a whole
// result set); the figures come from GROUP BY. A body goes in with setBlob
// from a stream (Connector/C++ sends it in pieces) and comes back in
// SUBSTRING chunks (getBlob would copy the whole value into memory).
#include "services/bookings/model.hpp"
#include "services/db/pool.hpp"
#include "services/reports/model.hpp"

#include <boost/asio/awaitable.hpp>

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace keel::reports {

// A body larger than the server's max_allowed_packet: refused before the insert.
struct TooLarge : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct NewReport {
  std::int64_t period_from = 0;
  std::int64_t period_to = 0;
  std::uint64_t bytes = 0;
  std::uint64_t stored_bytes = 0;
  std::string sha256;
  std::string body_path;  // the gzip file, read as a stream
  std::chrono::steady_clock::time_point started;  // duration_ms runs from here to the commit
  std::uint64_t max_packet = 0;  // tests: a smaller limit than the server's (0: the server's)
};

class Repository {
 public:
  explicit Repository(db::Pool& pool) : pool_(pool) {}

  // The newest report's period_to (where the next period starts).
  boost::asio::awaitable<std::optional<std::int64_t>> last_period_to();
  boost::asio::awaitable<Summary> summarize(std::int64_t from, std::int64_t to);
  // Up to `limit` bookings of [from, to) with id > after, by id; each page
  // is handed to `use` on the blocking pool (the rendering happens there).
  using PageUse = std::function<void(const std::vector<bookings::Booking>&)>;
  boost::asio::awaitable<std::size_t> page(std::int64_t from, std::int64_t to, std::int64_t after, int limit,
                                           PageUse use, std::int64_t* last_id);
  // One transaction: the row and its body. TooLarge when the gzip body would
  // not fit the server's max_allowed_packet. Returns the new id.
  boost::asio::awaitable<std::int64_t> insert(NewReport r);
  // Deletes all but the newest `keep` reports; returns how many went.
  boost::asio::awaitable<std::uint64_t> prune(unsigned keep);

  boost::asio::awaitable<ReportPage> list(int limit, std::int64_t offset);
  boost::asio::awaitable<std::optional<Report>> get(std::int64_t id);
  // Bytes [offset, offset + length) of the stored (gzip) body; shorter at
  // the end, nullopt when the report is gone.
  boost::asio::awaitable<std::optional<std::string>> chunk(std::int64_t id, std::uint64_t offset,
                                                           std::uint64_t length);
  boost::asio::awaitable<bool> remove(std::int64_t id);

 private:
  db::Pool& pool_;
};

}  // namespace keel::reports
