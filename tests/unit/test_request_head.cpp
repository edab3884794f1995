// The answers to a request head over the limits: table tests over the
// pure decisions.
#include "http/request_head.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

using namespace keel;

TEST(RequestHead, OversizedHeadIs414OnlyWhenTheTargetIsLong) {
  struct Case {
    const char* name;
    std::string head;
    int status;
  } cases[] = {
      {"one large field", "GET /api/health HTTP/1.1\r\nX-Big: " + std::string(20000, 'a'), 431},
      {"one large field after Host", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a'), 431},
      {"a target at the limit", "GET /" + std::string(kTargetLimit - 1, 'a') + " HTTP/1.1\r\nX: " + std::string(9000, 'b'),
       431},
      {"a target over the limit", "GET /" + std::string(kTargetLimit, 'a') + " HTTP/1.1\r\nHost: x\r\n", 414},
      {"a target still arriving", "GET /" + std::string(20000, 'a'), 414},
      {"no space at all", std::string(20000, 'a'), 431},
  };
  for (const auto& c : cases) {
    auto r = oversized_head(c.head);
    EXPECT_EQ(r.status, c.status) << c.name;
    EXPECT_FALSE(r.detail.empty()) << c.name;
  }
}
