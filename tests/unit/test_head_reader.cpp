// The request head as it arrives, in pieces or whole: when it is complete,
// too large (414 or 431) or not HTTP, and that its fields are stored once,
// into an arena sized before the first of them.
#include "http/head_reader.hpp"

#include <gtest/gtest.h>

#include <memory_resource>
#include <string>
#include <vector>

using namespace keel;

namespace {

void append(boost::beast::flat_buffer& b, std::string_view s) {
  auto room = b.prepare(s.size());
  boost::asio::buffer_copy(room, boost::asio::buffer(s.data(), s.size()));
  b.commit(s.size());
}

// One request's reading state, as the server's connection loop holds it.
struct Reading {
  Reading() { parser.header_limit(kHeaderLimit); }
  RequestArena arena;
  Request req{&arena};
  RequestParser parser{req};
  HeadReader reader{parser, arena, req.headers};
};

// Feeds `raw` in pieces of `piece` bytes; returns the first outcome that is
// not need_more (need_more when all was fed), and how many bytes it took.
HeadReader::Outcome feed(Reading& r, boost::beast::flat_buffer& buffer, const std::string& raw, std::size_t piece,
                         std::size_t* fed = nullptr) {
  HeadReader::Outcome got = r.reader.step(buffer);
  std::size_t at = 0;
  while (got == HeadReader::need_more && at < raw.size()) {
    std::size_t n = std::min(piece, raw.size() - at);
    append(buffer, std::string_view(raw).substr(at, n));
    at += n;
    got = r.reader.step(buffer);
  }
  if (fed) *fed = at;
  return got;
}

// Counts what reaches the heap through the default resource (the arena's
// upstream).
struct CountingResource final : std::pmr::memory_resource {
  std::size_t calls = 0;
  void* do_allocate(std::size_t n, std::size_t a) override {
    ++calls;
    return std::pmr::new_delete_resource()->allocate(n, a);
  }
  void do_deallocate(void* p, std::size_t n, std::size_t a) override {
    std::pmr::new_delete_resource()->deallocate(p, n, a);
  }
  bool do_is_equal(const std::pmr::memory_resource& o) const noexcept override { return this == &o; }
};

}  // namespace

TEST(HeadReader, CompleteWhenTheLastByteArrivesHoweverItIsSplit) {
  const std::string raw = "POST /api/x?a=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\n";
  for (std::size_t piece : {raw.size(), std::size_t{1}, std::size_t{2}, std::size_t{7}, std::size_t{26}}) {
    Reading r;
    boost::beast::flat_buffer buffer(kHeaderLimit + 1024);
    std::size_t fed = 0;
    ASSERT_EQ(feed(r, buffer, raw + "body", piece, &fed), HeadReader::complete) << piece;
    EXPECT_GE(fed, raw.size()) << piece;
    EXPECT_EQ(r.req.method, "POST");
    EXPECT_EQ(r.req.target, "/api/x?a=1");
    EXPECT_EQ(r.req.headers.get("Host").value_or(""), "x");
    EXPECT_EQ(r.parser.content_length().value_or(0), 4u);
    // The head is gone from the buffer; what followed it stays for the body.
    EXPECT_EQ(HeadReader::bytes(buffer), std::string("body").substr(0, fed - raw.size())) << piece;
  }
}

TEST(HeadReader, ARequestLineAloneThenTheEmptyLine) {
  Reading r;
  boost::beast::flat_buffer buffer(kHeaderLimit + 1024);
  append(buffer, "GET / HTTP/1.1\r\n");
  EXPECT_EQ(r.reader.step(buffer), HeadReader::need_more);
  append(buffer, "\r\n");
  EXPECT_EQ(r.reader.step(buffer), HeadReader::complete);
  EXPECT_EQ(r.req.target, "/");
  EXPECT_EQ(buffer.size(), 0u);
}

TEST(HeadReader, PipelinedRequestsAreReadOneAfterTheOther) {
  boost::beast::flat_buffer buffer(kHeaderLimit + 1024);
  append(buffer, "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: y\r\n\r\nGET /c");
  Reading first;
  ASSERT_EQ(first.reader.step(buffer), HeadReader::complete);
  EXPECT_EQ(first.req.target, "/a");
  Reading second;
  ASSERT_EQ(second.reader.step(buffer), HeadReader::complete);
  EXPECT_EQ(second.req.target, "/b");
  EXPECT_EQ(second.req.headers.get("Host").value_or(""), "y");
  Reading third;
  EXPECT_EQ(third.reader.step(buffer), HeadReader::need_more);
  EXPECT_EQ(HeadReader::bytes(buffer), "GET /c");
}

// A client that sends no HTTP at all is answered at once, not when a header
// end that never comes would have arrived.
TEST(HeadReader, NotHttpIsMalformedFromTheFirstBytes) {
  const std::string tls_hello("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11);
  for (std::string raw : {tls_hello, std::string("GET / HTTP/9.9\r\n"), std::string("GET /a b c HTTP/1.1\r\n"),
                          std::string("GET / HTTP/1.1\nHost: x\n\n")}) {
    Reading r;
    boost::beast::flat_buffer buffer(kHeaderLimit + 1024);
    append(buffer, raw);
    EXPECT_EQ(r.reader.step(buffer), HeadReader::malformed) << raw;
    auto refusal = r.reader.refusal(buffer);
    EXPECT_EQ(refusal.status, 400) << raw;
    EXPECT_EQ(refusal.detail.rfind("malformed request: ", 0), 0u) << refusal.detail;
  }
}

TEST(HeadReader, MalformedFieldInACompleteHead) {
  Reading r;
  boost::beast::flat_buffer buffer(kHeaderLimit + 1024);
  append(buffer, "GET / HTTP/1.1\r\nHost: x\r\nBad Name: 1\r\n\r\n");
  EXPECT_EQ(r.reader.step(buffer), HeadReader::malformed);
  EXPECT_EQ(r.reader.refusal(buffer).status, 400);
}

// The limit is on the whole head, request line included: 414 when the
// target is what is long, else 431, whichever field makes the head large.
TEST(HeadReader, OversizedHeadTable) {
  const std::string big_target = "/api?x=" + std::string(9000, 'a');
  struct Case {
    const char* name;
    std::string raw;
    int status;
  } cases[] = {
      {"one large field first", "GET /api HTTP/1.1\r\nX-Big: " + std::string(20000, 'a') + "\r\nHost: x\r\n\r\n", 431},
      {"one large field last", "GET /api HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n", 431},
      {"a head just over the limit",
       "GET /api HTTP/1.1\r\nHost: x\r\nX: " + std::string(kHeaderLimit - 30, 'a') + "\r\n\r\n", 431},
      {"a long line then a large field",
       "GET /api?x=" + std::string(7000, 'a') + " HTTP/1.1\r\nX-Big: " + std::string(12000, 'b') + "\r\n\r\n", 431},
      {"a long target then a large field",
       "GET " + big_target + " HTTP/1.1\r\nX: " + std::string(9000, 'b') + "\r\n\r\n", 414},
      {"a target over the whole limit", "GET /api?x=" + std::string(20000, 'a') + " HTTP/1.1\r\n\r\n", 414},
  };
  for (const auto& c : cases) {
    for (std::size_t piece : {std::size_t{4096}, std::size_t{1000}, c.raw.size()}) {
      Reading r;
      boost::beast::flat_buffer buffer(kHeaderLimit + 1024);
      // As the server reads: never more than the buffer holds.
      HeadReader::Outcome got = r.reader.step(buffer);
      std::size_t at = 0;
      while (got == HeadReader::need_more && at < c.raw.size()) {
        std::size_t n = std::min({piece, c.raw.size() - at, buffer.max_size() - buffer.size()});
        append(buffer, std::string_view(c.raw).substr(at, n));
        at += n;
        got = r.reader.step(buffer);
      }
      ASSERT_EQ(got, HeadReader::too_large) << c.name << " " << piece;
      EXPECT_EQ(r.reader.refusal(buffer).status, c.status) << c.name << " " << piece;
      EXPECT_TRUE(r.req.headers.empty()) << c.name;  // no field was stored
    }
  }
  // At the limit exactly, the head is read.
  std::string at_limit = "GET /api HTTP/1.1\r\nHost: x\r\nX: ";
  at_limit += std::string(kHeaderLimit - at_limit.size() - 4, 'a') + "\r\n\r\n";
  ASSERT_EQ(at_limit.size(), kHeaderLimit);
  Reading r;
  boost::beast::flat_buffer buffer(kHeaderLimit + 1024);
  EXPECT_EQ(feed(r, buffer, at_limit, 4096), HeadReader::complete);
}

TEST(HeadReader, TooManyFieldsIs431) {
  std::string raw = "GET / HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 200; ++i) raw += "a" + std::to_string(i) + ":\r\n";
  raw += "\r\n";
  Reading r;
  boost::beast::flat_buffer buffer(kHeaderLimit + 1024);
  ASSERT_EQ(feed(r, buffer, raw, raw.size()), HeadReader::malformed);
  auto refusal = r.reader.refusal(buffer);
  EXPECT_EQ(refusal.status, 431);
  EXPECT_NE(refusal.detail.find("too many request header fields"), std::string::npos);
}

// However the head arrives, its fields go into one block sized for them
// (none while it is incomplete, so none into a block too small).
TEST(HeadReader, ArenaSizedOnceHoweverTheHeadArrives) {
  std::string raw = "GET /api/health HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 40; ++i) raw += "X-Field-" + std::to_string(i) + ": " + std::string(60, 'v') + "\r\n";
  raw += "\r\n";
  ASSERT_GT(raw.size(), RequestArena::kInline);
  for (std::size_t piece : {raw.size(), std::size_t{100}, std::size_t{1}}) {
    CountingResource heap;
    auto* previous = std::pmr::set_default_resource(&heap);
    {
      Reading r;
      boost::beast::flat_buffer buffer(kHeaderLimit + 1024);
      EXPECT_EQ(feed(r, buffer, raw, piece), HeadReader::complete) << piece;
      EXPECT_EQ(r.req.headers.size(), 41u);
      EXPECT_EQ(heap.calls, 1u) << piece;
    }
    std::pmr::set_default_resource(previous);
  }
}
