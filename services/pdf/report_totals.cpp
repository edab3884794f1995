#include "services/pdf/report_totals.hpp"

#include <algorithm>
#include <string_view>

namespace keel::pdf {

void ReportTotals::add(const BookingRow& row) {
  ++count_;
  minutes_ += row.duration_minutes;
  const std::string_view key = row.status.empty() ? std::string_view("(none)") : row.status;
  auto it = by_status_.find(key);
  if (it == by_status_.end()) { it = by_status_.emplace(std::string(key), StatusTotal{std::string(key), 0, 0}).first; }
  ++it->second.count;
  it->second.minutes += row.duration_minutes;
}

std::vector<StatusTotal> ReportTotals::by_status() const {
  std::vector<StatusTotal> out;
  out.reserve(by_status_.size());
  for (const auto& [key, total] : by_status_) out.push_back(total);
  std::stable_sort(out.begin(), out.end(),
                   [](const StatusTotal& a, const StatusTotal& b) { return a.count > b.count; });
  return out;
}

}  // namespace keel::pdf
