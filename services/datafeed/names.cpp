// Dataset names and generation ids.
#include "services/datafeed/store.hpp"
#include "http/text/civil.hpp"

#include <sys/random.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <stdexcept>

namespace keel::datafeed {

namespace {
bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool digit(char c) { return c >= '0' && c <= '9'; }
bool lower_hex(char c) { return digit(c) || (c >= 'a' && c <= 'f'); }

// "YYYYMMDDTHHMMSSmmmZ-" then 6 hex digits.
constexpr std::size_t kIdLength = 26;
}  // namespace

bool valid_dataset_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || !lower_alnum(name[0])) return false;
  for (char c : name.substr(1))
    if (!lower_alnum(c) && c != '_' && c != '-') return false;
  return true;
}

bool valid_generation_id(std::string_view id) {
  if (id.size() != kIdLength) return false;
  for (std::size_t i = 0; i < kIdLength; ++i) {
    const char c = id[i];
    bool ok = false;
    if (i < 8 || (i >= 9 && i < 18)) ok = digit(c);
    else if (i == 8) ok = c == 'T';
    else if (i == 18) ok = c == 'Z';
    else if (i == 19) ok = c == '-';
    else ok = lower_hex(c);
    if (!ok) return false;
  }
  return true;
}

std::string new_generation_id() {
  // Milliseconds that never repeat or go back within this process, so ids
  // made here sort in creation order even within one millisecond.
  static std::atomic<std::int64_t> last_ms{0};
  std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  std::int64_t prev = last_ms.load();
  std::int64_t ms;
  do ms = std::max(now, prev + 1);
  while (!last_ms.compare_exchange_weak(prev, ms));

  unsigned char rnd[3];
  if (::getrandom(rnd, sizeof rnd, 0) != static_cast<ssize_t>(sizeof rnd))
    throw std::system_error(errno, std::generic_category(), "getrandom");
  const auto t = text::civil_from_epoch(ms / 1000);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d%02u%02uT%02u%02u%02u%03dZ-%02x%02x%02x", t.year, t.month, t.day, t.hour,
                t.minute, t.second, static_cast<int>(ms % 1000), rnd[0], rnd[1], rnd[2]);
  return buf;
}

}  // namespace keel::datafeed
