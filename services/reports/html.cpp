#include "services/reports/html.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

namespace keel::reports {

namespace {

// Clicking a header sorts its table by that column (numbers as numbers);
// clicking again reverses. No `<` in it: the document stays simple to check.
constexpr std::string_view kScript =
    "document.querySelectorAll('table.sortable th').forEach(function(th){th.addEventListener('click',function(){"
    "var t=th.closest('table'),b=t.tBodies[0],i=th.cellIndex,rows=Array.from(b.rows);"
    "var d=th.getAttribute('data-dir')==='asc'?-1:1;th.setAttribute('data-dir',d===1?'asc':'desc');"
    "var num=th.getAttribute('data-type')==='num';rows.sort(function(x,y){var a=x.cells[i].textContent,"
    "c=y.cells[i].textContent;return d*(num?(parseFloat(a)-parseFloat(c)):a.localeCompare(c));});"
    "rows.forEach(function(r){b.appendChild(r);});});});";

constexpr std::string_view kStyle =
    "body{font-family:system-ui,sans-serif;margin:2em;color:#222}h1{font-size:1.5em}"
    "h2{font-size:1.15em;margin-top:2em}table{border-collapse:collapse;margin:.5em 0}"
    "th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left}td.n,th.n{text-align:right}"
    "th{background:#f2f2f2;cursor:pointer}th:hover{background:#e4e4e4}"
    ".figures td{font-weight:600}svg text{font-size:10px;fill:#555}rect.bar{fill:#4a78b5}";

std::string date_of(std::int64_t t) { return bookings::to_sql_datetime(t).substr(0, 10); }
std::string datetime_of(std::int64_t t) { return bookings::to_sql_datetime(t); }

// Every day of [first, first + days), the sparse counts filled with zeros.
std::vector<DayCount> dense(const std::vector<DayCount>& sparse, std::int64_t first, int days) {
  std::map<std::int64_t, std::int64_t> by_day;
  for (const auto& d : sparse) by_day[d.day] += d.n;
  std::vector<DayCount> out;
  for (int i = 0; i < days; ++i) {
    const std::int64_t day = first + i * kDay;
    auto it = by_day.find(day);
    out.push_back({day, it == by_day.end() ? 0 : it->second});
  }
  return out;
}

void counts_table(std::string& out, const char* title, const char* key_name, const std::vector<Count>& counts) {
  out += "<h2>";
  out += title;
  out += "</h2>\n<table class=\"sortable\"><thead><tr><th>";
  out += key_name;
  out += "</th><th class=\"n\" data-type=\"num\">Bookings</th></tr></thead><tbody>\n";
  for (const auto& c : counts)
    out += "<tr><td>" + html_escape(c.key) + "</td><td class=\"n\">" + std::to_string(c.n) + "</td></tr>\n";
  out += "</tbody></table>\n";
}

// Bars of a fixed width, scaled to the busiest day; each bar's <title> is
// its date and count (a tooltip), and every fifth date is written below.
void chart(std::string& out, const std::vector<DayCount>& days) {
  constexpr int kBar = 20, kHeight = 150, kTop = 10, kLabels = 20;
  std::int64_t max = 1;
  for (const auto& d : days) max = std::max(max, d.n);
  const int width = static_cast<int>(days.size()) * kBar;
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(width) + "\" height=\"" +
         std::to_string(kTop + kHeight + kLabels) + "\" role=\"img\" aria-label=\"Bookings per day\">\n";
  for (std::size_t i = 0; i < days.size(); ++i) {
    const int h = static_cast<int>(days[i].n * kHeight / max);
    const int x = static_cast<int>(i) * kBar;
    out += "<rect class=\"bar\" x=\"" + std::to_string(x + 2) + "\" y=\"" + std::to_string(kTop + kHeight - h) +
           "\" width=\"" + std::to_string(kBar - 4) + "\" height=\"" + std::to_string(h) + "\"><title>" +
           date_of(days[i].day) + ": " + std::to_string(days[i].n) + "</title></rect>\n";
    if (i % 5 == 0)
      out += "<text x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(kTop + kHeight + 14) + "\">" +
             date_of(days[i].day).substr(5) + "</text>\n";
  }
  out += "</svg>\n";
}

void days_table(std::string& out, const std::vector<DayCount>& days) {
  out += "<table class=\"sortable\"><thead><tr><th>Day</th><th class=\"n\" data-type=\"num\">Bookings</th></tr>"
         "</thead><tbody>\n";
  for (const auto& d : days)
    out += "<tr><td>" + date_of(d.day) + "</td><td class=\"n\">" + std::to_string(d.n) + "</td></tr>\n";
  out += "</tbody></table>\n";
}

}  // namespace

std::string cancellation_rate(std::int64_t cancelled, std::int64_t total) {
  if (total <= 0) return "0.0";
  // Tenths of a percent, rounded half up, in integers (no float surprises).
  const std::int64_t tenths = (cancelled * 2000 + total) / (2 * total);
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10);
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

void HtmlReport::begin(const Summary& s) {
  const std::string period = datetime_of(s.from) + " to " + datetime_of(s.to) + " UTC";
  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Bookings report, " + period +
         "</title>\n<style>";
  out += kStyle;
  out += "</style>\n</head>\n<body>\n<h1>Bookings report</h1>\n<p>Bookings starting from " + datetime_of(s.from) +
         " up to (not including) " + datetime_of(s.to) + " UTC.</p>\n";
  out += "<table class=\"figures\"><tbody>\n<tr><th>Bookings in the period</th><td class=\"n\" id=\"total\">" +
         std::to_string(s.total) + "</td></tr>\n<tr><th>Cancelled</th><td class=\"n\" id=\"cancelled\">" +
         std::to_string(s.cancelled) + "</td></tr>\n<tr><th>Cancellation rate</th><td class=\"n\" "
         "id=\"cancellation-rate\">" + cancellation_rate(s.cancelled, s.total) + "%</td></tr>\n</tbody></table>\n";
  counts_table(out, "By status", "Status", s.by_status);
  counts_table(out, "By service", "Service", s.by_service);

  const std::int64_t today = day_of(s.to);
  const auto per_day = dense(s.per_day, today - (kChartDays - 1) * kDay, kChartDays);
  out += "<h2>Bookings per day, last " + std::to_string(kChartDays) + " days</h2>\n";
  chart(out, per_day);
  out += "<h2>Upcoming load (not cancelled), next " + std::to_string(kUpcomingDays) + " days</h2>\n";
  days_table(out, dense(s.upcoming, today, kUpcomingDays));

  out += "<h2>Bookings in the period</h2>\n<table class=\"sortable\" id=\"bookings\"><thead><tr>"
         "<th class=\"n\" data-type=\"num\">Id</th><th>Name</th><th>Email</th><th>Service</th><th>Starts at (UTC)"
         "</th><th class=\"n\" data-type=\"num\">Minutes</th><th>Status</th><th>Created at</th></tr></thead><tbody>\n";
  sink_(out);
}

void HtmlReport::rows(const std::vector<bookings::Booking>& page) {
  std::string out;
  for (const auto& b : page) {
    out += "<tr><td class=\"n\">" + std::to_string(b.id) + "</td><td>" + html_escape(b.name) + "</td><td>" +
           html_escape(b.email) + "</td><td>" + html_escape(b.service) + "</td><td>" + datetime_of(b.starts_at) +
           "</td><td class=\"n\">" + std::to_string(b.duration_minutes) + "</td><td>" + html_escape(b.status) +
           "</td><td>" + html_escape(b.created_at) + "</td></tr>\n";
  }
  if (!out.empty()) sink_(out);
}

void HtmlReport::end() {
  std::string out = "</tbody></table>\n<script>";
  out += kScript;
  out += "</script>\n</body>\n</html>\n";
  sink_(out);
}

}  // namespace keel::reports
