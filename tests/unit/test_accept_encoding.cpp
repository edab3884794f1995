#include "http/text/accept_encoding.hpp"

#include <gtest/gtest.h>

using keel::text::accepts_coding;

TEST(AcceptEncoding, GzipTable) {
  struct Case {
    const char* header;
    bool gzip;
  };
  const Case cases[] = {
      {"", false},
      {"gzip", true},
      {"GZIP", true},
      {"x-gzip", true},
      {"deflate", false},
      {"gzip, deflate, br", true},
      {"br;q=1.0, gzip;q=0.8, *;q=0.1", true},
      {"gzip;q=0", false},
      {"gzip;q=0.0", false},
      {"gzip;q=0.000", false},
      {"gzip;q=0.001", true},
      {"gzip; q=1", true},
      {"gzip;q=1.000", true},
      {"gzip;q=1.5", false},  // malformed: counts as 0
      {"gzip;q=abc", false},
      {"gzip;q=0.0001", false},
      {"*", true},
      {"*;q=0", false},
      {"gzip;q=0, *", false},  // listed explicitly: the star does not override
      {"*, gzip;q=0", false},
      {"identity", false},
      {"identity, *;q=0", false},
      {" , ,gzip", true},
      {"gzip, gzip;q=0", true},  // listed twice: any positive entry
      {"compress;q=0.5, gzip;q=0.5", true},
  };
  for (const auto& c : cases) EXPECT_EQ(accepts_coding(c.header, "gzip"), c.gzip) << "'" << c.header << "'";
}
