// The fake upstream (e2e/fake_upstream) that job tests point keel at: it
// answers plain HTTP clients too, and set() serves a test's own document.
#include "e2e/fake_upstream.hpp"
#include "e2e/support.hpp"

#include <gtest/gtest.h>

using e2e::FakeUpstream;

TEST(FakeUpstream, ServesJsonAndConditionalGets) {
  FakeUpstream up;
  auto r = e2e::get(up.port(), "/json");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, FakeUpstream::json_body());
  EXPECT_EQ(r.header("ETag"), FakeUpstream::kJsonEtag);
  auto again = e2e::get(up.port(), "/json", {{"If-None-Match", FakeUpstream::kJsonEtag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_EQ(up.requests().size(), 2u);
  EXPECT_EQ(up.requests().back().header("if-none-match"), FakeUpstream::kJsonEtag);
}

TEST(FakeUpstream, ServesWhatATestSets) {
  FakeUpstream up;
  up.set("/market",
         e2e::CannedResponse{.status = 200, .headers = {{"Content-Type", "application/json"}}, .body = R"({"dax":1})"});
  auto r = e2e::get(up.port(), "/market?x=1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"dax":1})");
  up.set("/market", e2e::CannedResponse{.status = 503, .body = "down"});
  EXPECT_EQ(e2e::get(up.port(), "/market").status, 503);
}
