#include "services/compress/gzip_encoder.hpp"
#include "support/gzip.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

using keel::compress::GzipEncoder;

namespace {

using test_support::gunzip;

std::string records(int n) {
  std::string s;
  for (int i = 0; i < n; ++i)
    s += R"({"sku":"SKU-)" + std::to_string(i) + R"(","name":"Caf\u00e9 Cr\u00e8me","price":")" +
         std::to_string(i % 97) + ".99\"},";
  return s;
}

}  // namespace

TEST(GzipEncoder, RoundTripInPieces) {
  const std::string plain = records(5000);
  for (std::size_t piece : {1ul, 7ul, 4096ul, 65536ul, plain.size()}) {
    if (piece == 1 && plain.size() > 20000) {
      GzipEncoder enc;
      std::string z;
      for (std::size_t i = 0; i < 20000; ++i) enc.encode(std::string_view(plain).substr(i, 1), false, z);
      enc.encode({}, true, z);
      EXPECT_EQ(gunzip(z), plain.substr(0, 20000));
      continue;
    }
    GzipEncoder enc;
    std::string z;
    for (std::size_t at = 0; at < plain.size(); at += piece) {
      const bool last = at + piece >= plain.size();
      enc.encode(std::string_view(plain).substr(at, piece), last, z);
    }
    EXPECT_EQ(gunzip(z), plain) << "piece " << piece;
    EXPECT_LT(z.size(), plain.size() / 4) << "JSON records should shrink";
  }
}

TEST(GzipEncoder, EmptyStreamIsValidGzip) {
  GzipEncoder enc;
  std::string z;
  enc.encode({}, true, z);
  EXPECT_EQ(z.substr(0, 2), "\x1f\x8b");
  EXPECT_EQ(gunzip(z), "");
  EXPECT_THROW(enc.encode("more", true, z), std::runtime_error);
}
