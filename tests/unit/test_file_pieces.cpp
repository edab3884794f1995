// PieceCursor: how the server splits a file range for sendfile(2). Every
// piece is at most 64 KiB, pieces are contiguous, and they add up to exactly
// the range (which is what the Content-Length announces).
#include "http/file_pieces.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

using keel::kFilePiece;
using keel::PieceCursor;

namespace {

struct Walk {
  std::vector<std::size_t> pieces;
  std::uint64_t sum = 0;
  bool contiguous = true;
};

// Sends the whole range; `accept` models a short sendfile (it may take fewer
// bytes than offered, never more).
template <class Accept>
Walk walk(std::uint64_t offset, std::uint64_t length, Accept accept) {
  Walk w;
  PieceCursor cur(offset, length);
  std::uint64_t expect = offset;
  while (!cur.done()) {
    if (cur.offset() != expect) w.contiguous = false;
    const std::size_t offered = cur.next();
    const std::size_t taken = accept(offered);
    w.pieces.push_back(offered);
    w.sum += taken;
    expect += taken;
    cur.advance(taken);
  }
  if (cur.offset() != offset + length) w.contiguous = false;
  return w;
}

std::size_t all(std::size_t n) { return n; }

}  // namespace

TEST(FilePieces, PieceIs64KiB) { EXPECT_EQ(kFilePiece, 65536u); }

TEST(FilePieces, WholePiecesThenTheRest) {
  // A 1 MiB + 123 byte PDF: 16 full pieces and one of 123 bytes.
  const std::uint64_t size = (1u << 20) + 123;
  Walk w = walk(0, size, all);
  ASSERT_EQ(w.pieces.size(), 17u);
  for (std::size_t i = 0; i < 16; ++i) EXPECT_EQ(w.pieces[i], 65536u) << i;
  EXPECT_EQ(w.pieces.back(), 123u);
  EXPECT_EQ(w.sum, size);
  EXPECT_TRUE(w.contiguous);
}

TEST(FilePieces, BoundariesAroundOnePiece) {
  for (std::uint64_t size : {std::uint64_t{1}, std::uint64_t{65535}, std::uint64_t{65536}, std::uint64_t{65537},
                             std::uint64_t{131072}, std::uint64_t{131073}}) {
    Walk w = walk(0, size, all);
    EXPECT_EQ(w.sum, size) << size;
    EXPECT_EQ(w.pieces.size(), (size + 65535) / 65536) << size;
    for (std::size_t p : w.pieces) EXPECT_LE(p, 65536u) << size;
    EXPECT_TRUE(w.contiguous) << size;
  }
}

TEST(FilePieces, EmptyRangeSendsNothing) {
  PieceCursor cur(100, 0);
  EXPECT_TRUE(cur.done());
  EXPECT_EQ(cur.next(), 0u);
  EXPECT_EQ(cur.left(), 0u);
}

TEST(FilePieces, RangeInsideAFileStartsAtItsOffset) {
  // bytes=1000-300999 of some file: 300,000 bytes from offset 1000.
  Walk w = walk(1000, 300000, all);
  EXPECT_EQ(w.sum, 300000u);
  EXPECT_EQ(w.pieces.size(), 5u);  // 4 x 65536 + 37856
  EXPECT_EQ(w.pieces.back(), 300000u - 4 * 65536u);
  EXPECT_TRUE(w.contiguous);
}

TEST(FilePieces, ShortWritesResumeWhereTheyStopped) {
  // A slow peer: sendfile takes a third of what it is offered (at least 1).
  const std::uint64_t size = 500000;
  Walk w = walk(0, size, [](std::size_t n) { return n / 3 == 0 ? n : n / 3; });
  EXPECT_EQ(w.sum, size);
  EXPECT_TRUE(w.contiguous);
  for (std::size_t p : w.pieces) EXPECT_LE(p, 65536u);
  EXPECT_GT(w.pieces.size(), size / 65536);
}

TEST(FilePieces, OtherPieceSizesAreHonoured) {
  PieceCursor cur(0, 10000, 4096);
  std::vector<std::size_t> pieces;
  while (!cur.done()) {
    pieces.push_back(cur.next());
    cur.advance(cur.next());
  }
  EXPECT_EQ(pieces, (std::vector<std::size_t>{4096, 4096, 1808}));
}

TEST(FilePieces, LargeFilesBeyond4GiB) {
  const std::uint64_t size = (5ull << 30) + 7;  // offsets and lengths need 64 bits
  PieceCursor cur(3ull << 30, size);
  EXPECT_EQ(cur.next(), 65536u);
  std::uint64_t n = 0, sum = 0;
  while (!cur.done()) {
    sum += cur.next();
    cur.advance(cur.next());
    ++n;
  }
  EXPECT_EQ(sum, size);
  EXPECT_EQ(n, (size + 65535) / 65536);
  EXPECT_EQ(cur.offset(), (3ull << 30) + size);
}
