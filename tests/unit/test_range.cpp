#include "http/file/range.hpp"

#include <gtest/gtest.h>

namespace hf = keel::http_file;
using hf::ByteRange;
using hf::RangeKind;

namespace {

struct ParseCase {
  const char* header;
  std::uint64_t size;
  bool parses;
  std::vector<ByteRange> ranges;  // satisfiable, in request order
};

}  // namespace

TEST(ParseRange, GoParseRangeTests) {
  // Go's net/http ParseRangeTests; ranges are {offset, length}. Where Go
  // reports "no overlap" as an error, we parse and list nothing satisfiable.
  const std::vector<ParseCase> cases = {
      {"", 0, false, {}},
      {"", 1000, false, {}},
      {"foo", 0, false, {}},
      {"bytes=", 0, false, {}},
      {"bytes=7", 10, false, {}},
      {"bytes= 7 ", 10, false, {}},
      {"bytes=1-", 0, true, {}},
      {"bytes=5-4", 10, false, {}},
      {"bytes=0-2,5-4", 10, false, {}},
      {"bytes=2-5,4-3", 10, false, {}},
      {"bytes=--5,4--3", 10, false, {}},
      {"bytes=A-", 10, false, {}},
      {"bytes=A- ", 10, false, {}},
      {"bytes=A-Z", 10, false, {}},
      {"bytes= -Z", 10, false, {}},
      {"bytes=5-Z", 10, false, {}},
      {"bytes=Ran-dom, garbage", 10, false, {}},
      {"bytes=0x01-0x02", 10, false, {}},
      {"bytes=         ", 10, false, {}},
      {"bytes= , , ,   ", 10, false, {}},

      {"bytes=0-9", 10, true, {{0, 10}}},
      {"bytes=0-", 10, true, {{0, 10}}},
      {"bytes=5-", 10, true, {{5, 5}}},
      {"bytes=0-20", 10, true, {{0, 10}}},
      {"bytes=15-,0-5", 10, true, {{0, 6}}},
      {"bytes=1-2,5-", 10, true, {{1, 2}, {5, 5}}},
      {"bytes=-2 , 7-", 11, true, {{9, 2}, {7, 4}}},
      {"bytes=0-0 ,2-2, 7-", 11, true, {{0, 1}, {2, 1}, {7, 4}}},
      {"bytes=-5", 10, true, {{5, 5}}},
      {"bytes=-15", 10, true, {{0, 10}}},
      {"bytes=0-499", 10000, true, {{0, 500}}},
      {"bytes=500-999", 10000, true, {{500, 500}}},
      {"bytes=-500", 10000, true, {{9500, 500}}},
      {"bytes=9500-", 10000, true, {{9500, 500}}},
      {"bytes=0-0,-1", 10000, true, {{0, 1}, {9999, 1}}},
      {"bytes=500-600,601-999", 10000, true, {{500, 101}, {601, 399}}},
      {"bytes=500-700,601-999", 10000, true, {{500, 201}, {601, 399}}},
      // Match Apache laxity:
      {"bytes=   1 -2   ,  4- 5, 7 - 8 , ,,", 11, true, {{1, 2}, {4, 2}, {7, 2}}},

      // Go's TestServeFileRejectsInvalidSuffixLengths inputs.
      {"bytes=--6", 22, false, {}},
      {"bytes=--0", 22, false, {}},
      {"bytes=---0", 22, false, {}},
      {"bytes=-6-", 22, false, {}},
      {"bytes=-6", 22, true, {{16, 6}}},
      {"bytes=6-", 22, true, {{6, 16}}},
      {"bytes=-0", 22, true, {}},  // RFC 9110 §14.1.3: zero suffix is unsatisfiable

      // Ours.
      {"Bytes=0-1", 10, true, {{0, 2}}},
      {"BYTES=0-1", 10, true, {{0, 2}}},
      {"bytes =0-1", 10, false, {}},
      {"items=0-1", 10, false, {}},
      {"bytes=0-1;x", 10, false, {}},
      {"bytes=+1-2", 10, false, {}},
      {"bytes=1-+2", 10, false, {}},
      {"bytes=0-99999999999999999999999", 10, true, {{0, 10}}},
      {"bytes=99999999999999999999999-", 10, true, {}},
      {"bytes=-99999999999999999999999", 10, true, {{0, 10}}},
      {"bytes=10-", 10, true, {}},
      {"bytes=9-", 10, true, {{9, 1}}},
  };
  for (const ParseCase& c : cases) {
    const auto parsed = hf::parse_range(c.header, c.size);
    ASSERT_EQ(parsed.has_value(), c.parses) << '"' << c.header << "\" size " << c.size;
    if (parsed) { EXPECT_EQ(parsed->satisfiable, c.ranges) << '"' << c.header << '"'; }
  }
}

TEST(ParseRange, CountsSpecs) { EXPECT_EQ(hf::parse_range("bytes=0-1,,5-6, 100-", 10)->specs, 3u); }

TEST(CoalesceRanges, MergesOverlappingAndAdjacent) {
  using V = std::vector<ByteRange>;
  EXPECT_EQ(hf::coalesce_ranges(V{}), V{});
  EXPECT_EQ(hf::coalesce_ranges(V{{0, 2}, {2, 2}}), (V{{0, 4}}));              // adjacent
  EXPECT_EQ(hf::coalesce_ranges(V{{0, 2}, {3, 2}}), (V{{0, 2}, {3, 2}}));      // a gap of one
  EXPECT_EQ(hf::coalesce_ranges(V{{500, 201}, {601, 399}}), (V{{500, 500}}));  // overlap
  EXPECT_EQ(hf::coalesce_ranges(V{{8, 2}, {0, 2}}), (V{{0, 2}, {8, 2}}));      // sorted
  EXPECT_EQ(hf::coalesce_ranges(V{{5, 5}, {0, 5}}), (V{{0, 10}}));
  EXPECT_EQ(hf::coalesce_ranges(V{{0, 10}, {2, 3}}), (V{{0, 10}}));  // contained
  EXPECT_EQ(hf::coalesce_ranges(V{{4, 1}, {0, 1}, {2, 1}, {1, 1}}), (V{{0, 3}, {4, 1}}));
}

TEST(DecideRanges, Policy) {
  struct Case {
    const char* header;
    std::uint64_t size;
    RangeKind kind;
    std::vector<ByteRange> ranges;
  };
  const std::vector<Case> cases = {
      {"", 11, RangeKind::full, {}},
      {"garbage", 11, RangeKind::full, {}},
      {"bytes=5-4", 11, RangeKind::full, {}},
      {"bytes=0-4", 11, RangeKind::partial, {{0, 5}}},
      {"bytes=11-", 11, RangeKind::unsatisfiable, {}},
      {"bytes=-0", 11, RangeKind::unsatisfiable, {}},
      {"bytes=11-12, 100-", 11, RangeKind::unsatisfiable, {}},
      {"bytes=100-200,0-1", 11, RangeKind::partial, {{0, 2}}},
      {"bytes=0-,1-,2-,3-,4-", 11, RangeKind::full, {}},  // wasteful: Go ignores it
      {"bytes=0-5,3-8", 11, RangeKind::full, {}},         // 6 + 6 > 11 before coalescing
      {"bytes=0-4,3-7", 11, RangeKind::partial, {{0, 8}}},
      {"bytes=0-1,5-8", 11, RangeKind::partial, {{0, 2}, {5, 4}}},
      {"bytes=5-8,0-1", 11, RangeKind::partial, {{0, 2}, {5, 4}}},
      {"bytes=0-0,1-1", 11, RangeKind::partial, {{0, 2}}},
      {"bytes=0-", 11, RangeKind::partial, {{0, 11}}},
      {"bytes=0-0", 0, RangeKind::full, {}},  // empty file: Range ignored (Go issue 54794)
      {"bytes=-5", 0, RangeKind::full, {}},
  };
  for (const Case& c : cases) {
    const auto d = hf::decide_ranges(c.header, c.size);
    EXPECT_EQ(d.kind, c.kind) << c.header;
    EXPECT_EQ(d.ranges, c.ranges) << c.header;
  }
}

TEST(DecideRanges, AtMostSixteenRanges) {
  std::string h = "bytes=";
  for (int i = 0; i < 16; ++i) {
    // (Appends, not operator+ chains: g++ 12 -O3 emits a bogus -Wrestrict.)
    if (i > 0) h.push_back(',');
    h.append(std::to_string(2 * i)).append("-").append(std::to_string(2 * i));
  }
  auto d = hf::decide_ranges(h, 100);
  EXPECT_EQ(d.kind, RangeKind::partial);
  EXPECT_EQ(d.ranges.size(), 16u);
  d = hf::decide_ranges(h + ",40-40", 100);
  EXPECT_EQ(d.kind, RangeKind::full);
  // Unsatisfiable specs count too.
  d = hf::decide_ranges(h + ",1000-", 100);
  EXPECT_EQ(d.kind, RangeKind::full);
}

TEST(DecideRanges, HugeSumsDoNotOverflow) {
  const std::uint64_t big = std::numeric_limits<std::uint64_t>::max() - 1;
  const auto d = hf::decide_ranges("bytes=0-,0-,0-", big);
  EXPECT_EQ(d.kind, RangeKind::full);
  const auto one = hf::decide_ranges("bytes=-1", big);
  ASSERT_EQ(one.kind, RangeKind::partial);
  EXPECT_EQ(one.ranges, (std::vector<ByteRange>{{big - 1, 1}}));
}

TEST(ContentRange, Format) {
  EXPECT_EQ(hf::content_range({0, 5}, 11), "bytes 0-4/11");
  EXPECT_EQ(hf::content_range({10, 1}, 11), "bytes 10-10/11");
  EXPECT_EQ(hf::unsatisfied_content_range(8), "bytes */8");
}
