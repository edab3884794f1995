#include "http/text/iso_datetime.hpp"

#include "http/text/civil.hpp"

#include <fmt/format.h>

namespace keel::text {

namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

}  // namespace

std::optional<std::int64_t> parse_iso_datetime(std::string_view s, bool require_offset) {
  int Y, M, D, h = 0, m = 0, sec = 0;
  if (!digits(s, 0, 4, Y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, M) || s[7] != '-' || !digits(s, 8, 2, D))
    return std::nullopt;
  std::size_t i = 10;
  std::int64_t offset = 0;
  if (i == s.size()) {
    if (require_offset) return std::nullopt;
  } else {
    if (s[i] != 'T' && s[i] != 't' && s[i] != ' ') return std::nullopt;
    ++i;
    if (!digits(s, i, 2, h) || i + 2 >= s.size() || s[i + 2] != ':' || !digits(s, i + 3, 2, m)) return std::nullopt;
    i += 5;
    if (i < s.size() && s[i] == ':') {
      if (!digits(s, i + 1, 2, sec)) return std::nullopt;
      i += 3;
      if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
        ++i;
        std::size_t start = i;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
        if (i == start || i - start > 9) return std::nullopt;
      }
    }
    if (sec > 59) return std::nullopt;  // no leap seconds here
    if (i == s.size()) {
      if (require_offset) return std::nullopt;
    } else if (s[i] == 'Z' || s[i] == 'z') {
      if (++i != s.size()) return std::nullopt;
    } else if (s[i] == '+' || s[i] == '-') {
      int oh, om;
      int sign = s[i] == '-' ? -1 : 1;
      if (!digits(s, i + 1, 2, oh)) return std::nullopt;
      std::size_t j = i + 3;
      if (j < s.size() && s[j] == ':') ++j;
      if (!digits(s, j, 2, om) || j + 2 != s.size() || oh > 23 || om > 59) return std::nullopt;
      offset = sign * (oh * 3600 + om * 60);
    } else {
      return std::nullopt;
    }
  }
  auto t = epoch_from_civil(Y, static_cast<unsigned>(M), static_cast<unsigned>(D), static_cast<unsigned>(h),
                            static_cast<unsigned>(m), static_cast<unsigned>(sec));
  if (!t) return std::nullopt;
  return *t - offset;
}

std::string format_iso_utc(std::int64_t epoch_seconds) {
  const CivilTime c = civil_from_epoch(epoch_seconds);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", c.year, c.month, c.day, c.hour, c.minute, c.second);
}

std::string format_iso_offset(std::int64_t epoch_seconds, int offset_seconds) {
  const CivilTime c = civil_from_epoch(epoch_seconds + offset_seconds);
  const int off = offset_seconds < 0 ? -offset_seconds : offset_seconds;
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{:02}:{:02}", c.year, c.month, c.day, c.hour, c.minute,
                     c.second, offset_seconds < 0 ? '-' : '+', off / 3600, off % 3600 / 60);
}

std::string format_iso_utc_ms(std::int64_t epoch_milliseconds) {
  std::int64_t seconds = epoch_milliseconds / 1000, frac = epoch_milliseconds % 1000;
  if (frac < 0) {
    frac += 1000;
    --seconds;
  }
  const CivilTime c = civil_from_epoch(seconds);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", c.year, c.month, c.day, c.hour, c.minute, c.second,
                     frac);
}

}  // namespace keel::text
