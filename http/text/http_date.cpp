#include "http/text/http_date.hpp"

#include "http/text/ascii.hpp"
#include "http/text/civil.hpp"

#include <fmt/format.h>

#include <array>
#include <cstdint>

namespace keel::text {
namespace {

constexpr std::array<std::string_view, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> kLongDays = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                       "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Cursor over the date text; every method consumes only on success.
struct Reader {
  std::string_view s;
  std::size_t i = 0;

  bool literal(std::string_view lit) {
    if (!iequals(s.substr(i, lit.size()), lit)) return false;
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

std::optional<std::time_t> to_time(int y, unsigned mon, unsigned d, unsigned h, unsigned mi, unsigned sec) {
  const auto t = epoch_from_civil(y, mon, d, h, mi, sec);
  if (!t) return std::nullopt;
  return static_cast<std::time_t>(*t);
}

std::optional<std::time_t> parse_imf_fixdate(std::string_view s) {
  Reader r{s};
  unsigned wd = 0, d = 0, mon = 0, y = 0, h = 0, mi = 0, sec = 0;
  if (!(r.name(kDays, wd) && r.literal(", ") && r.digits(2, d) && r.literal(" ") && r.name(kMonths, mon) &&
        r.literal(" ") && r.digits(4, y) && r.literal(" ") && r.time_of_day(h, mi, sec) && r.literal(" GMT") &&
        r.at_end())) {
    return std::nullopt;
  }
  return to_time(static_cast<int>(y), mon + 1, d, h, mi, sec);
}

std::optional<std::time_t> parse_rfc850(std::string_view s, std::time_t now) {
  Reader r{s};
  unsigned wd = 0, d = 0, mon = 0, yy = 0, h = 0, mi = 0, sec = 0;
  if (!(r.name(kLongDays, wd) && r.literal(", ") && r.digits(2, d) && r.literal("-") && r.name(kMonths, mon) &&
        r.literal("-") && r.digits(2, yy) && r.literal(" ") && r.time_of_day(h, mi, sec) && r.literal(" GMT") &&
        r.at_end())) {
    return std::nullopt;
  }
  const int now_year = civil_from_epoch(static_cast<std::int64_t>(now)).year;
  int year = now_year - now_year % 100 + static_cast<int>(yy);
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
  return to_time(static_cast<int>(y), mon + 1, d, h, mi, sec);
}

}  // namespace

std::string format_http_date(std::time_t t) {
  const CivilTime c = civil_from_epoch(static_cast<std::int64_t>(t));
  if (c.year < 0 || c.year > 9999)  // not an IMF-fixdate; said as fmt says it
    return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT", kDays[c.weekday], c.day, kMonths[c.month - 1],
                       c.year, c.hour, c.minute, c.second);
  // "Sun, 06 Nov 1994 08:49:37 GMT": fixed widths, so the digits go into
  // their places (every file response has one; fmt took longer than the
  // rest of the formatting).
  std::string out = "Sun, 00 Jan 0000 00:00:00 GMT";
  auto put = [&out](std::size_t at, unsigned value, std::size_t width) {
    for (std::size_t k = width; k-- > 0; value /= 10) out[at + k] = static_cast<char>('0' + value % 10);
  };
  out.replace(0, 3, kDays[c.weekday]);
  put(5, c.day, 2);
  out.replace(8, 3, kMonths[c.month - 1]);
  put(12, static_cast<unsigned>(c.year), 4);
  put(17, c.hour, 2);
  put(20, c.minute, 2);
  put(23, c.second, 2);
  return out;
}

std::optional<std::time_t> parse_http_date(std::string_view s, std::time_t now) {
  s = trim(s);
  if (auto t = parse_imf_fixdate(s)) return t;
  if (auto t = parse_rfc850(s, now)) return t;
  return parse_asctime(s);
}

}  // namespace keel::text
