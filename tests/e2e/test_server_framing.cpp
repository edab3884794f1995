// HTTP/1.1 message framing (RFC 9112) against the real binary, over raw
// sockets: header size limits (414 vs 431), Host, Transfer-Encoding and
// Content-Length, and the forms of the request target. A refused request is
// answered with a JSON detail and the connection closed: whatever follows
// on the wire is never read as a request.
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
       "GET /api/health?x=" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: x\r\n" + field("X-Big", 9000) + "\r\n", 414},
      {"a target over 16 KiB", "GET /api/health?x=" + std::string(20000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n", 414},
  };
  for (const auto& t : cases) expect_refused(port(), t);
  EXPECT_EQ(get(port(), "/api/health").status, 200);
}

TEST_F(Framing, HostIsRequiredOnceIn11) {
  const std::vector<Refusal> cases = {
      {"no Host", "GET /api/health HTTP/1.1\r\n\r\n", 400},
      {"two Host fields", "GET /api/health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400},
      {"two Host fields in 1.0", "GET /api/health HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n", 400},
      {"a Host that is no authority", "GET /api/health HTTP/1.1\r\nHost: a b\r\n\r\n", 400},
      {"a Host with user info", "GET /api/health HTTP/1.1\r\nHost: user@a\r\n\r\n", 400},
  };
  for (const auto& t : cases) expect_refused(port(), t);
  // HTTP/1.0 needs none; host:port and an empty Host are valid.
  for (const char* ok :
       {"GET /api/health HTTP/1.0\r\n\r\n", "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:8000\r\n\r\n",
        "GET /api/health HTTP/1.1\r\nHost: [::1]:80\r\n\r\n", "GET /api/health HTTP/1.1\r\nHost:\r\n\r\n"}) {
    Conn c(port());
    c.send(ok);
    auto r = c.read_response();
    ASSERT_TRUE(r) << ok;
    EXPECT_EQ(r->status, 200) << ok;
  }
}

// Only a final `chunked` frames a request body; anything else cannot be
// framed reliably and must not reach a handler (request smuggling).
TEST_F(Framing, TransferEncodingOtherThanAFinalChunkedIsRefusedAndClosed) {
  const std::string head = "POST /api/_test/stream_size HTTP/1.1\r\nHost: x\r\n";
  const std::string body = "5\r\nhello\r\n0\r\n\r\n";
  const std::vector<Refusal> cases = {
      {"chunked, identity", head + "Transfer-Encoding: chunked, identity\r\n\r\n" + body, 400},
      {"xchunked", head + "Transfer-Encoding: xchunked\r\n\r\n" + body, 400},
      {"gzip", head + "Transfer-Encoding: gzip\r\n\r\n" + body, 400},
      {"chunked twice", head + "Transfer-Encoding: chunked, chunked\r\n\r\n" + body, 400},
      {"gzip, chunked", head + "Transfer-Encoding: gzip, chunked\r\n\r\n" + body, 501},
      {"gzip then chunked fields", head + "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n" + body, 501},
      {"chunked then Content-Length", head + "Transfer-Encoding: chunked\r\nContent-Length: 15\r\n\r\n" + body, 400},
      {"Content-Length then chunked", head + "Content-Length: 15\r\nTransfer-Encoding: chunked\r\n\r\n" + body, 400},
      {"gzip and Content-Length", head + "Transfer-Encoding: gzip\r\nContent-Length: 15\r\n\r\n" + body, 400},
      {"chunked in HTTP/1.0", "POST /api/_test/stream_size HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n" + body, 400},
  };
  for (const auto& t : cases) expect_refused(port(), t);
  // The one accepted form still works.
  Conn c(port());
  c.send(head + "Transfer-Encoding: chunked\r\n\r\n" + body);
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->json()["bytes"], 5);
}

// RFC 9112 §3.2.2: a server accepts the absolute form; its path and query
// are used, and a Host field is still required.
TEST_F(Framing, AbsoluteFormTargetIsServed) {
  Conn c(port());
  c.send("GET http://example.test/api/health HTTP/1.1\r\nHost: example.test\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->json()["status"], "ok");
  // The connection stays usable, and a query is taken from the target.
  c.send("GET https://other.test:8443/api/_test/stream?chunks=2 HTTP/1.1\r\nHost: example.test\r\n\r\n");
  auto q = c.read_response();
  ASSERT_TRUE(q);
  EXPECT_EQ(q->status, 200);
  EXPECT_EQ(q->body, "chunk-0;chunk-1;");

  const std::vector<Refusal> cases = {
      {"absolute form without Host", "GET http://example.test/api/health HTTP/1.1\r\n\r\n", 400},
      {"absolute form without a host", "GET http:///api/health HTTP/1.1\r\nHost: x\r\n\r\n", 400},
      {"not an http URI", "GET mailto:a@example.test HTTP/1.1\r\nHost: x\r\n\r\n", 400},
      {"a fragment", "GET http://example.test/api/health#top HTTP/1.1\r\nHost: x\r\n\r\n", 400},
  };
  for (const auto& t : cases) expect_refused(port(), t);
}

// The asterisk form (OPTIONS *) is not served: a clear 400, nothing worse.
TEST_F(Framing, AsteriskFormIsAClear400) {
  expect_refused(port(), {"OPTIONS *", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", 400});
  EXPECT_EQ(get(port(), "/api/health").status, 200);
}
