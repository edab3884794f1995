#pragma once
// The bookings report: what the SQL aggregates give the renderer, and the
// stored report's metadata (migrations/0005_reports.sql).
#include <cstdint>
#include <string>
#include <vector>

namespace keel::reports {

struct Count {
  std::string key;  // a status or a service
  std::int64_t n = 0;
};

struct DayCount {
  std::int64_t day = 0;  // epoch seconds of the UTC midnight
  std::int64_t n = 0;
};

constexpr std::int64_t kDay = 24 * 3600;
constexpr int kChartDays = 30;     // bookings per day: the 30 UTC days ending today
constexpr int kUpcomingDays = 14;  // upcoming load: today (from the run on) and the 13 days after

// The report's figures. The period is [from, to) on starts_at; the chart and
// the upcoming load are relative to `to` (the run), whatever the period.
struct Summary {
  std::int64_t from = 0;  // epoch seconds, UTC
  std::int64_t to = 0;
  std::int64_t total = 0;      // bookings in the period
  std::int64_t cancelled = 0;  // ... of them cancelled
  std::vector<Count> by_status;
  std::vector<Count> by_service;
  std::vector<DayCount> per_day;   // sparse: days without bookings are left out
  std::vector<DayCount> upcoming;  // non-cancelled, sparse
};

// cancelled / total as a percentage with one decimal ("12.5"); "0.0" for none.
std::string cancellation_rate(std::int64_t cancelled, std::int64_t total);
// The UTC midnight at or before t.
inline std::int64_t day_of(std::int64_t t) { return t - ((t % kDay) + kDay) % kDay; }

struct Report {
  std::int64_t id = 0;
  std::int64_t period_from = 0;  // epoch seconds
  std::int64_t period_to = 0;
  std::string created_at;  // RFC 3339 UTC with milliseconds
  std::uint64_t bytes = 0;         // the HTML
  std::uint64_t stored_bytes = 0;  // its gzip
  std::string sha256;              // of the HTML, lowercase hex
  std::uint64_t duration_ms = 0;
};

struct ReportPage {
  std::uint64_t total = 0;
  std::vector<Report> items;  // newest first
};

}  // namespace keel::reports
