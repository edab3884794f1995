#include "http/file/range.hpp"

#include "http/text/ascii.hpp"

#include <algorithm>
#include <limits>

namespace keel::http_file {
namespace {

constexpr std::uint64_t kInfinity = std::numeric_limits<std::uint64_t>::max();

// 1*DIGIT, saturating: a position past any real file is still a position.
std::optional<std::uint64_t> parse_digits(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto d = static_cast<std::uint64_t>(c - '0');
    v = v > (kInfinity - d) / 10 ? kInfinity : v * 10 + d;
  }
  return v;
}

}  // namespace

std::optional<ParsedRange> parse_range(std::string_view header, std::uint64_t size) {
  header = text::trim(header);
  const std::size_t eq = header.find('=');
  if (eq == std::string_view::npos || !text::iequals(header.substr(0, eq), "bytes")) return std::nullopt;
  std::string_view set = header.substr(eq + 1);

  ParsedRange out;
  while (true) {
    const std::size_t comma = set.find(',');
    const std::string_view spec = text::trim(set.substr(0, comma));
    if (!spec.empty()) {
      const std::size_t dash = spec.find('-');
      if (dash == std::string_view::npos) return std::nullopt;
      const std::string_view first = text::trim(spec.substr(0, dash));
      const std::string_view last = text::trim(spec.substr(dash + 1));
      ++out.specs;
      if (first.empty()) {
        // suffix-range: the last N bytes
        const auto n = parse_digits(last);
        if (!n) return std::nullopt;
        const std::uint64_t len = std::min(*n, size);
        if (len > 0) out.satisfiable.push_back({size - len, len});
      } else {
        const auto a = parse_digits(first);
        if (!a) return std::nullopt;
        std::uint64_t b = kInfinity;
        if (!last.empty()) {
          const auto parsed = parse_digits(last);
          if (!parsed || *parsed < *a) return std::nullopt;
          b = *parsed;
        }
        if (*a < size) out.satisfiable.push_back({*a, std::min(b, size - 1) - *a + 1});
      }
    }
    if (comma == std::string_view::npos) break;
    set.remove_prefix(comma + 1);
  }
  if (out.specs == 0) return std::nullopt;
  return out;
}

std::vector<ByteRange> coalesce_ranges(std::vector<ByteRange> ranges) {
  std::sort(ranges.begin(), ranges.end(), [](const ByteRange& x, const ByteRange& y) { return x.offset < y.offset; });
  std::vector<ByteRange> out;
  for (const ByteRange& r : ranges) {
    if (!out.empty() && r.offset <= out.back().offset + out.back().length) {
      ByteRange& last = out.back();
      last.length = std::max(last.offset + last.length, r.offset + r.length) - last.offset;
    } else {
      out.push_back(r);
    }
  }
  return out;
}

RangeDecision decide_ranges(std::string_view header, std::uint64_t size) {
  RangeDecision d;
  if (size == 0) return d;
  const auto parsed = parse_range(header, size);
  if (!parsed || parsed->specs > kMaxRanges) return d;
  if (parsed->satisfiable.empty()) {
    d.kind = RangeKind::unsatisfiable;
    return d;
  }
  std::uint64_t requested = 0;  // at most kMaxRanges * size: cannot overflow in practice, but be safe
  for (const ByteRange& r : parsed->satisfiable) {
    requested = r.length > kInfinity - requested ? kInfinity : requested + r.length;
  }
  if (requested > size) return d;
  d.kind = RangeKind::partial;
  d.ranges = coalesce_ranges(parsed->satisfiable);
  return d;
}

std::string content_range(const ByteRange& range, std::uint64_t size) {
  return "bytes " + std::to_string(range.offset) + "-" + std::to_string(range.offset + range.length - 1) + "/" +
         std::to_string(size);
}

std::string unsatisfied_content_range(std::uint64_t size) { return "bytes */" + std::to_string(size); }

}  // namespace keel::http_file
