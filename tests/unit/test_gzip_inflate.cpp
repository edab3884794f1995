// The gzip inflater (http/codec/gzip_inflate): bodies fed in any split come
// out whole, in pieces of at most kPiece; broken or cut streams are errors.
#include "http/codec/gzip_inflate.hpp"
#include "support/gzip.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

using keel::GzipError;
using keel::GzipInflate;

namespace {

using test_support::gzip;

// Inflates `in` fed `step` bytes at a time; throws what the inflater throws.
std::string inflate_all(const std::string& in, std::size_t step, std::size_t* largest_piece = nullptr) {
  GzipInflate inflater;
  std::string out;
  for (std::size_t at = 0; at < in.size(); at += step) {
    inflater.feed(std::string_view(in).substr(at, step), [&](std::string_view piece) {
      if (largest_piece && piece.size() > *largest_piece) *largest_piece = piece.size();
      out.append(piece);
    });
  }
  inflater.finish();
  return out;
}

}  // namespace

TEST(GzipInflate, WholeInAnySplit) {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "line " + std::to_string(i) + ",value\n";
  const std::string packed = gzip(text);
  for (std::size_t step : {std::size_t{1}, std::size_t{7}, std::size_t{4096}, packed.size()}) {
    EXPECT_EQ(inflate_all(packed, step), text) << "step " << step;
  }
}

TEST(GzipInflate, PiecesAreBoundedForABomb) {
  const std::string zeros(8 << 20, '\0');  // 8 MiB of zeros pack into ~8 KiB
  const std::string packed = gzip(zeros);
  ASSERT_LT(packed.size(), 64u << 10);
  std::size_t largest = 0;
  EXPECT_EQ(inflate_all(packed, packed.size(), &largest).size(), zeros.size());
  EXPECT_LE(largest, GzipInflate::kPiece);
}

TEST(GzipInflate, ConcatenatedMembersAreOneStream) { EXPECT_EQ(inflate_all(gzip("abc") + gzip("def"), 3), "abcdef"); }

TEST(GzipInflate, BrokenStreamsTable) {
  const std::string packed = gzip("hello, world\n");
  struct Case {
    const char* name;
    std::string input;
  };
  const Case cases[] = {
      {"empty", ""},
      {"not gzip", "hello, world\n"},
      {"cut short", packed.substr(0, packed.size() - 4)},
      {"corrupt crc", packed.substr(0, packed.size() - 8) + std::string(8, '\x7f')},
  };
  for (const auto& c : cases) EXPECT_THROW(inflate_all(c.input, 5), GzipError) << c.name;
}
