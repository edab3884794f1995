// The gzip inflater (http/codec/gzip_inflate): bodies fed in any split come
// out whole, in pieces of at most kPiece; broken or cut streams are errors.
#include "http/codec/gzip_inflate.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

using keel::GzipError;
using keel::GzipInflate;

namespace {

std::string gzip(const std::string& data) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(compressBound(static_cast<uLong>(data.size())) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

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
