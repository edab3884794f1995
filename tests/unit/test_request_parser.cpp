// The request parser: request line and fields stored into the Request (in
// its arena), the field cap, chunked bodies into a caller's small buffer.
#include "http/request_arena.hpp"
#include "http/request_parser.hpp"

#include <gtest/gtest.h>

#include <memory_resource>
#include <string>

using namespace keel;
namespace http = boost::beast::http;

namespace {

// Feeds the whole string; returns the error of the last put (need_more
// cleared) and how much was used.
boost::system::error_code feed(RequestParser& p, std::string_view bytes, std::size_t* used_out = nullptr) {
  boost::system::error_code ec;
  std::size_t used = p.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
  if (ec == http::error::need_more) ec = {};
  if (used_out) *used_out = used;
  return ec;
}

}  // namespace

TEST(RequestParser, StoresRequestLineAndFieldsInTheRequestsArena) {
  std::array<std::byte, 4096> inline_buf;
  std::pmr::monotonic_buffer_resource arena(inline_buf.data(), inline_buf.size(), std::pmr::null_memory_resource());
  Request req(&arena);
  RequestParser p(req);
  std::string raw =
      "POST /api/bookings?x=1 HTTP/1.1\r\nHost: example.test\r\n"
      "User-Agent: Mozilla/5.0 (X11; Linux x86_64) a long value that does not fit a short string\r\n"
      "Content-Length: 2\r\n\r\n{}";
  std::size_t used = 0;
  ASSERT_FALSE(feed(p, raw, &used));
  ASSERT_TRUE(p.is_header_done());
  EXPECT_EQ(used, raw.size() - 2);  // the body is left for the server to read
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target, "/api/bookings?x=1");
  EXPECT_EQ(p.version(), 11u);
  EXPECT_TRUE(p.keep_alive());
  ASSERT_EQ(req.headers.size(), 3u);
  EXPECT_EQ(req.headers.get("host").value_or(""), "example.test");
  EXPECT_EQ(req.headers.get("user-agent").value_or("").substr(0, 11), "Mozilla/5.0");
  EXPECT_EQ(p.content_length().value_or(0), 2u);
  // The arena has no upstream: had anything gone to the heap it would have
  // thrown. A copy of the headers lives on the heap, independent of it.
  Headers copy = req.headers;
  EXPECT_EQ(copy.get("Host").value_or(""), "example.test");
}

TEST(RequestParser, HttpOneZeroWithoutKeepAlive) {
  Request req;
  RequestParser p(req);
  ASSERT_FALSE(feed(p, "GET / HTTP/1.0\r\n\r\n"));
  EXPECT_EQ(p.version(), 10u);
  EXPECT_FALSE(p.keep_alive());
}

TEST(RequestParser, MoreFieldsThanTheCapStopWithHeaderLimit) {
  Request req;
  RequestParser p(req, 3);
  auto ec = feed(p, "GET / HTTP/1.1\r\na: 1\r\nb: 2\r\nc: 3\r\nd: 4\r\n\r\n");
  EXPECT_EQ(ec, http::error::header_limit);
  EXPECT_TRUE(p.too_many_fields());

  Request ok_req;
  RequestParser ok(ok_req, 3);
  EXPECT_FALSE(feed(ok, "GET / HTTP/1.1\r\na: 1\r\nb: 2\r\nc: 3\r\n\r\n"));
  EXPECT_FALSE(ok.too_many_fields());
  EXPECT_EQ(ok_req.headers.size(), 3u);
}

TEST(RequestParser, ChunkedBodyGoesIntoTheCallersBufferPieceByPiece) {
  Request req;
  RequestParser p(req);
  std::string raw =
      "POST /u HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
  std::size_t used = 0;
  ASSERT_FALSE(feed(p, raw, &used));
  ASSERT_TRUE(p.is_header_done());
  ASSERT_TRUE(p.chunked());
  std::string_view rest(raw.data() + used, raw.size() - used);
  std::string body;
  char small[4];
  while (!p.is_done()) {
    p.body_into(small, sizeof small);
    boost::system::error_code ec;
    std::size_t n = p.put(boost::asio::buffer(rest.data(), rest.size()), ec);
    rest.remove_prefix(n);
    if (ec == http::error::need_buffer) ec = {};
    ASSERT_FALSE(ec) << ec.message();
    body.append(small, sizeof small - p.body_room());
  }
  EXPECT_EQ(body, "hello world");
}

TEST(RequestParser, HeaderShapeOnlyOfACompleteHeader) {
  EXPECT_EQ(header_shape("GET / HTTP/1.1\r\nHost: x\r\n").bytes, 0u);  // not complete yet
  auto empty = header_shape("GET / HTTP/1.1\r\n\r\n");
  EXPECT_EQ(empty.bytes, 18u);
  EXPECT_EQ(empty.field_lines, 0u);
  auto three = header_shape("GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\n\r\nbody\nwith\nlines\n");
  EXPECT_EQ(three.bytes, 39u);
  EXPECT_EQ(three.field_lines, 3u);
}

TEST(RequestParser, HeaderShapeFoundByteByByteWithOnlyTheNewBytesSearched) {
  const std::string raw = "GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\n\r\n";
  std::size_t searched = 0;
  HeaderShape found;
  std::size_t at = 0;
  for (std::size_t n = 1; n <= raw.size() && found.bytes == 0; ++n) {
    found = header_shape(std::string_view(raw).substr(0, n), searched);
    searched = n;
    at = n;
  }
  EXPECT_EQ(at, raw.size());  // found exactly when the last byte arrived, though split
  EXPECT_EQ(found.bytes, raw.size());
  EXPECT_EQ(found.field_lines, 2u);
}

namespace {
// Counts what reaches the heap through the default resource.
struct CountingResource final : std::pmr::memory_resource {
  std::size_t calls = 0, bytes = 0;
  void* do_allocate(std::size_t n, std::size_t a) override {
    ++calls;
    bytes += n;
    return std::pmr::new_delete_resource()->allocate(n, a);
  }
  void do_deallocate(void* p, std::size_t n, std::size_t a) override {
    std::pmr::new_delete_resource()->deallocate(p, n, a);
  }
  bool do_is_equal(const std::pmr::memory_resource& o) const noexcept override { return this == &o; }
};
}  // namespace

TEST(RequestArena, SmallHeadersStayInlineALargeOneTakesOneBlock) {
  CountingResource heap;
  auto* previous = std::pmr::set_default_resource(&heap);
  {
    RequestArena small;
    small.size_for(600);
    for (int i = 0; i < 5; ++i) EXPECT_NE(small.allocate(100), nullptr);
    EXPECT_EQ(heap.calls, 0u);
  }
  {
    RequestArena large;
    large.size_for(20000);
    for (int i = 0; i < 100; ++i) EXPECT_NE(large.allocate(190), nullptr);  // 19,000 bytes of fields
    EXPECT_EQ(heap.calls, 1u);
    EXPECT_LE(heap.bytes, 20100u);
  }
  {
    RequestArena unsized;  // never sized: inline first, then it grows
    for (int i = 0; i < 20; ++i) EXPECT_NE(unsized.allocate(100), nullptr);
    EXPECT_GE(heap.calls, 1u);
  }
  std::pmr::set_default_resource(previous);
}
