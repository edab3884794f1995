// The response head the server writes: framing is the server's, never the
// handler's; keep-alive spelled per HTTP version; no header splitting.
#include "http/response_head.hpp"

#include <gtest/gtest.h>

using namespace keel;

namespace {
const std::string kDate = "Wed, 25 Nov 2026 04:00:00 GMT";

std::string head(int status, unsigned version, const Headers& h, Framing f, bool keep_alive) {
  std::string out;
  write_response_head(out, status, version, h, kDate, f, keep_alive);
  return out;
}
}  // namespace

TEST(ResponseHead, LengthFramedKeepAlive11) {
  Headers h;
  h.set("Content-Type", "application/json");
  EXPECT_EQ(head(200, 11, h, Framing{Framing::length, 56}, true),
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nDate: " + kDate + "\r\nContent-Length: 56\r\n\r\n");
}

TEST(ResponseHead, CloseOn11AndKeepAliveOn10) {
  Headers h;
  EXPECT_EQ(head(404, 11, h, Framing{Framing::length, 0}, false),
            "HTTP/1.1 404 Not Found\r\nDate: " + kDate + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(head(200, 10, h, Framing{Framing::length, 2}, true),
            "HTTP/1.0 200 OK\r\nDate: " + kDate + "\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n");
  EXPECT_EQ(head(200, 10, h, Framing{Framing::length, 2}, false),
            "HTTP/1.0 200 OK\r\nDate: " + kDate + "\r\nContent-Length: 2\r\n\r\n");
}

TEST(ResponseHead, ChunkedAndBodiless) {
  Headers h;
  EXPECT_EQ(head(200, 11, h, Framing{Framing::chunked}, true),
            "HTTP/1.1 200 OK\r\nDate: " + kDate + "\r\nTransfer-Encoding: chunked\r\n\r\n");
  EXPECT_EQ(head(304, 11, h, Framing{}, true), "HTTP/1.1 304 Not Modified\r\nDate: " + kDate + "\r\n\r\n");
}

TEST(ResponseHead, HandlerCannotSetFramingOrSplitTheResponse) {
  Headers h;
  h.add("Content-Length", "999");
  h.add("transfer-encoding", "chunked");
  h.add("Connection", "keep-alive");
  h.add("Date", "yesterday");
  h.add("X-Evil", "a\r\nSet-Cookie: x=1");
  auto out = head(200, 11, h, Framing{Framing::length, 3}, true);
  EXPECT_EQ(out, "HTTP/1.1 200 OK\r\nX-Evil: a  Set-Cookie: x=1\r\nDate: " + kDate + "\r\nContent-Length: 3\r\n\r\n");
}

TEST(ResponseHead, RepeatedFieldsKeepTheirOrder) {
  Headers h;
  h.add("Vary", "Origin");
  h.add("Set-Cookie", "a=1");
  h.add("Set-Cookie", "b=2");
  auto out = head(201, 11, h, Framing{Framing::length, 0}, true);
  EXPECT_NE(out.find("HTTP/1.1 201 Created\r\nVary: Origin\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n"),
            std::string::npos);
}

TEST(ResponseHead, FramingByBodyKindStatusAndVersion) {
  auto stream = [](int status) {
    Response r;
    r.status = status;
    r.body = StreamBody{};
    return r;
  };
  auto file = [](int status) {
    Response r;
    r.status = status;
    r.body = FileBody{nullptr, {}, 1234};
    return r;
  };
  struct Case {
    const char* name;
    Response res;
    unsigned version;
    Framing::Kind kind;
    std::uint64_t length;
  } cases[] = {
      {"string", Response::text(200, "hello"), 11, Framing::length, 5},
      {"empty string", Response::empty(200), 11, Framing::length, 0},
      {"string 204", Response::empty(204), 11, Framing::no_body, 0},
      {"string 304", Response::empty(304), 10, Framing::no_body, 0},
      {"file", file(206), 11, Framing::length, 1234},
      {"file 304", file(304), 11, Framing::no_body, 0},
      {"stream 1.1", stream(200), 11, Framing::chunked, 0},
      {"stream 1.0", stream(200), 10, Framing::no_body, 0},
      {"stream 204", stream(204), 11, Framing::no_body, 0},
  };
  for (const auto& c : cases) {
    Framing f = framing_for(c.res, c.version);
    EXPECT_EQ(f.kind, c.kind) << c.name;
    EXPECT_EQ(f.content_length, c.length) << c.name;
  }
}

TEST(ResponseHead, RequestIdIsTheServersWhenGiven) {
  Headers h;
  h.set("x-request-id", "from-the-handler");
  std::string out;
  write_response_head(out, 200, 11, h, kDate, Framing{Framing::length, 0}, true, "abc123");
  EXPECT_EQ(out, "HTTP/1.1 200 OK\r\nX-Request-ID: abc123\r\nDate: " + kDate + "\r\nContent-Length: 0\r\n\r\n");
  // Without one, a handler's field goes out as set.
  EXPECT_EQ(head(200, 11, h, Framing{Framing::length, 0}, true),
            "HTTP/1.1 200 OK\r\nx-request-id: from-the-handler\r\nDate: " + kDate + "\r\nContent-Length: 0\r\n\r\n");
}
