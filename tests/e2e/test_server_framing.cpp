// HTTP/1.1 message framing (RFC 9112) against the real binary, over raw
// sockets: header size limits (414 vs 431). A refused request is answered
// with a JSON detail and the connection closed: whatever follows on the
// wire is never read as a request.
#include "e2e/support.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace e2e;

namespace {

class Framing : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { keel_ = new Keel(); }
  static void TearDownTestSuite() {
    delete keel_;
    keel_ = nullptr;
  }
  static unsigned port() { return keel_->port(); }
  static Keel* keel_;
};
Keel* Framing::keel_ = nullptr;

struct Refusal {
  const char* name;
  std::string raw;
  int status;
};

// Sends `raw` on a fresh connection; expects one JSON error of `status` and
// then the connection closed.
void expect_refused(unsigned port, const Refusal& t) {
  SCOPED_TRACE(t.name);
  Conn c(port, 5);
  c.send(t.raw);
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, t.status);
  EXPECT_TRUE(r->json()["detail"].is_string()) << r->body;
  EXPECT_EQ(r->header("Connection").value_or(""), "close");
  EXPECT_TRUE(c.wait_closed(3));
}

std::string field(const std::string& name, std::size_t size) { return name + ": " + std::string(size, 'a') + "\r\n"; }

}  // namespace

// 414 only when the request target itself is over 8 KiB; any other header
// block over 16 KiB is 431, whichever field makes it large.
TEST_F(Framing, HeaderOverTheLimitIs431UnlessTheTargetIsLong) {
  std::string many;
  for (int i = 0; i < 40; ++i) many += field("X-Filler-" + std::to_string(i), 500);
  const std::vector<Refusal> cases = {
      {"one large field first", "GET /api/health HTTP/1.1\r\n" + field("X-Big", 20000) + "Host: x\r\n\r\n", 431},
      {"one large field after Host", "GET /api/health HTTP/1.1\r\nHost: x\r\n" + field("X-Big", 20000) + "\r\n", 431},
      {"many fields", "GET /api/health HTTP/1.1\r\n" + many + "Host: x\r\n\r\n", 431},
      {"a target under 8 KiB and a large field",
       "GET /api/health?x=" + std::string(7000, 'a') + " HTTP/1.1\r\nHost: x\r\n" + field("X-Big", 12000) + "\r\n",
       431},
      {"a target over 8 KiB in a header under 16 KiB",
       "GET /api/health?x=" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n", 414},
      {"a target over 8 KiB in a header over 16 KiB",
       "GET /api/health?x=" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: x\r\n" + field("X-Big", 9000) + "\r\n",
       414},
      {"a target over 16 KiB", "GET /api/health?x=" + std::string(20000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n", 414},
  };
  for (const auto& t : cases) expect_refused(port(), t);
  EXPECT_EQ(get(port(), "/api/health").status, 200);
}
