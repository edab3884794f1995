#pragma once
// A page of a dataset as JSON: an envelope around records copied from
// records.jsonl (lines are never re-parsed; each line end but the last
// becomes a comma), read in bounded pieces.
//
//   {"dataset":..,"generation":..,"count":..,"offset":..,"limit":..,
//    "returned":..,"next_offset":..|null,"data":[<line>,<line>,...]}
#include "services/datafeed/store.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace keel::datafeed {

struct PageShape {
  std::uint64_t offset = 0;
  std::uint64_t limit = 0;
  std::uint64_t returned = 0;
  std::optional<std::uint64_t> next_offset;  // null on the last page
};
// returned and next_offset of records [offset, offset + limit) out of `count`.
PageShape page_shape(std::uint64_t count, std::uint64_t offset, std::uint64_t limit);

// Everything before the records: ... "data":[
std::string page_prefix(const Generation& g, const PageShape& shape);
inline constexpr std::string_view kPageSuffix = "]}";

// The records of a range as the members of a JSON array. Blocking (pread).
class PageRecords {
 public:
  static constexpr std::size_t kPiece = 64 << 10;

  PageRecords(std::shared_ptr<const Generation> g, RecordRange range);
  // Bytes it produces in all.
  std::uint64_t size() const;
  bool done() const { return next_ >= range_.end; }
  // Appends up to `max` bytes of the next piece to `out`. Throws
  // std::system_error when the file cannot be read.
  void read_next(std::string& out, std::size_t max = kPiece);

 private:
  std::shared_ptr<const Generation> g_;
  RecordRange range_;
  std::uint64_t next_;
};

}  // namespace keel::datafeed
