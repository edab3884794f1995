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
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nDate: " + kDate +
                "\r\nContent-Length: 56\r\n\r\n");
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
  EXPECT_NE(out.find("HTTP/1.1 201 Created\r\nVary: Origin\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n"), std::string::npos);
}
