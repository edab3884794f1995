#pragma once

// Range requests (RFC 9110 §14), with Go net/http and nginx policies.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace keel::http_file {

struct ByteRange {
  std::uint64_t offset = 0;
  std::uint64_t length = 0;  // > 0 for ranges returned below
  bool operator==(const ByteRange&) const = default;
};

// More range-specs than this and the Range header is ignored (Go, nginx
// max_ranges-like): a cheap defence against multipart amplification.
inline constexpr std::size_t kMaxRanges = 16;

// The syntax of "bytes=<range-set>" checked against a file of `size` bytes.
struct ParsedRange {
  std::size_t specs = 0;               // range-specs in the header
  std::vector<ByteRange> satisfiable;  // clamped to the file, in request order
};

// nullopt when the header does not parse: other unit, empty set, garbage,
// first-pos > last-pos. Unit is case-insensitive; OWS around ',' and '-' is
// tolerated (like Go/Apache); huge numbers saturate. Suffix "-0", and
// first-pos >= size, are unsatisfiable (left out of `satisfiable`).
std::optional<ParsedRange> parse_range(std::string_view header, std::uint64_t size);

// Sorts, then merges overlapping and adjacent ranges.
std::vector<ByteRange> coalesce_ranges(std::vector<ByteRange> ranges);

enum class RangeKind { full, partial, unsatisfiable };
struct RangeDecision {
  RangeKind kind = RangeKind::full;  // full = 200 with the whole file
  std::vector<ByteRange> ranges;     // partial: coalesced, ascending, >= 1
};

// The policy on top of parse_range, in this order:
//  - empty/unparseable header, or an empty file (Go, issue 54794) -> full
//  - more than kMaxRanges specs -> full
//  - nothing satisfiable -> unsatisfiable (416)
//  - satisfiable lengths, as requested, summing past the file size -> full
//    (Go: so "bytes=0-,1-,2-" is a 200, not a bigger multipart)
//  - otherwise the coalesced ranges -> partial
RangeDecision decide_ranges(std::string_view header, std::uint64_t size);

// "bytes 0-499/1234" and "bytes */1234".
std::string content_range(const ByteRange& range, std::uint64_t size);
std::string unsatisfied_content_range(std::uint64_t size);

}  // namespace keel::http_file
