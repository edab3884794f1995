#include "http/file/http_date.hpp"

#include <fmt/format.h>

#include <array>
#include <cstdint>

namespace keel::http_file {
namespace {

constexpr std::array<std::string_view, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> kLongDays = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                       "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Proleptic Gregorian calendar <-> days since 1970-01-01 (H. Hinnant's
// algorithms); avoids timegm/gmtime and their time-zone and range quirks.
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
}

unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr unsigned kLen[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kLen[m - 1];
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Cursor over the date text; every method consumes only on success.
struct Reader {
  std::string_view s;
  std::size_t i = 0;

  bool literal(std::string_view lit) {
    if (s.substr(i, lit.size()).size() != lit.size()) return false;
    for (std::size_t k = 0; k < lit.size(); ++k) {
      if (lower(s[i + k]) != lower(lit[k])) return false;
    }
    i += lit.size();
    return true;
  }
  template <std::size_t N>
  bool name(const std::array<std::string_view, N>& names, unsigned& index) {
    for (std::size_t k = 0; k < N; ++k) {
      if (literal(names[k])) {
        index = static_cast<unsigned>(k);
        return true;
      }
    }
    return false;
  }
  bool digits(std::size_t n, unsigned& out) {
    if (i + n > s.size()) return false;
    unsigned v = 0;
    for (std::size_t k = 0; k < n; ++k) {
      const char c = s[i + k];
      if (c < '0' || c > '9') return false;
      v = v * 10 + static_cast<unsigned>(c - '0');
    }
    i += n;
    out = v;
    return true;
  }
  bool time_of_day(unsigned& h, unsigned& mi, unsigned& sec) {
    return digits(2, h) && literal(":") && digits(2, mi) && literal(":") && digits(2, sec);
  }
  bool at_end() const { return i == s.size(); }
};

std::optional<std::time_t> to_time(std::int64_t y, unsigned mon, unsigned d, unsigned h, unsigned mi,
                                   unsigned sec) {
  // Seconds may be 60 (leap second); it rolls into the next minute.
  if (mon < 1 || mon > 12 || d < 1 || d > days_in_month(y, mon) || h > 23 || mi > 59 || sec > 60) {
    return std::nullopt;
  }
  const std::int64_t t = days_from_civil(y, mon, d) * 86400 + h * 3600 + mi * 60 + sec;
  return static_cast<std::time_t>(t);
}

std::optional<std::time_t> parse_imf_fixdate(std::string_view s) {
  Reader r{s};
  unsigned wd = 0, d = 0, mon = 0, y = 0, h = 0, mi = 0, sec = 0;
  if (!(r.name(kDays, wd) && r.literal(", ") && r.digits(2, d) && r.literal(" ") && r.name(kMonths, mon) &&
        r.literal(" ") && r.digits(4, y) && r.literal(" ") && r.time_of_day(h, mi, sec) && r.literal(" GMT") &&
        r.at_end())) {
    return std::nullopt;
  }
  return to_time(y, mon + 1, d, h, mi, sec);
}

std::optional<std::time_t> parse_rfc850(std::string_view s, std::time_t now) {
  Reader r{s};
  unsigned wd = 0, d = 0, mon = 0, yy = 0, h = 0, mi = 0, sec = 0;
  if (!(r.name(kLongDays, wd) && r.literal(", ") && r.digits(2, d) && r.literal("-") && r.name(kMonths, mon) &&
        r.literal("-") && r.digits(2, yy) && r.literal(" ") && r.time_of_day(h, mi, sec) && r.literal(" GMT") &&
        r.at_end())) {
    return std::nullopt;
  }
  std::int64_t now_year = 0;
  unsigned now_m = 0, now_d = 0;
  const std::int64_t now_s = static_cast<std::int64_t>(now);
  civil_from_days(now_s >= 0 ? now_s / 86400 : (now_s - 86399) / 86400, now_year, now_m, now_d);
  std::int64_t year = now_year - now_year % 100 + yy;
  if (year > now_year + 50) year -= 100;
  return to_time(year, mon + 1, d, h, mi, sec);
}

std::optional<std::time_t> parse_asctime(std::string_view s) {
  Reader r{s};
  unsigned wd = 0, d = 0, mon = 0, y = 0, h = 0, mi = 0, sec = 0;
  if (!(r.name(kDays, wd) && r.literal(" ") && r.name(kMonths, mon) && r.literal(" "))) return std::nullopt;
  if (r.literal(" ")) {
    if (!r.digits(1, d)) return std::nullopt;
  } else if (!r.digits(2, d)) {
    return std::nullopt;
  }
  if (!(r.literal(" ") && r.time_of_day(h, mi, sec) && r.literal(" ") && r.digits(4, y) && r.at_end())) {
    return std::nullopt;
  }
  return to_time(y, mon + 1, d, h, mi, sec);
}

}  // namespace

std::string format_http_date(std::time_t t) {
  const auto secs = static_cast<std::int64_t>(t);
  std::int64_t days = secs / 86400;
  std::int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  std::int64_t y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(days, y, m, d);
  const auto wd = static_cast<std::size_t>(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  // "Sun, 06 Nov 1994 08:49:37 GMT"
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT", kDays[wd], d, kMonths[m - 1], y, rem / 3600,
                     rem / 60 % 60, rem % 60);
}

std::optional<std::time_t> parse_http_date(std::string_view s, std::time_t now) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (auto t = parse_imf_fixdate(s)) return t;
  if (auto t = parse_rfc850(s, now)) return t;
  return parse_asctime(s);
}

}  // namespace keel::http_file
