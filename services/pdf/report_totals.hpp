#pragma once
// Running totals for the report; rows pass through, only aggregates stay.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "services/pdf/booking_row.hpp"

namespace keel::pdf {

struct StatusTotal {
  std::string status;  // as given by the caller; "(none)" for an empty status
  std::size_t count = 0;
  std::int64_t minutes = 0;
};

class ReportTotals {
 public:
  void add(const BookingRow& row);

  std::size_t count() const { return count_; }
  std::int64_t minutes() const { return minutes_; }
  // Most bookings first, ties by status text.
  std::vector<StatusTotal> by_status() const;

 private:
  std::size_t count_ = 0;
  std::int64_t minutes_ = 0;
  std::map<std::string, StatusTotal, std::less<>> by_status_;
};

}  // namespace keel::pdf
