// The outbound HTTP client (http/client/fetch) against a fake upstream on
// 127.0.0.1 (tests/e2e/fake_upstream): answers, bodies in pieces, caps,
// timeouts, resets, redirects and TLS verification.
#include "e2e/fake_upstream.hpp"
#include "http/client/fetch.hpp"
#include "http/client/fetch_error.hpp"

#include <gtest/gtest.h>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

namespace net = boost::asio;
using e2e::FakeUpstream;
using keel::FetchError;
using keel::FetchRequest;
using keel::FetchResult;
using Kind = keel::FetchError::Kind;
using namespace std::chrono_literals;

namespace {

// Runs one fetch to completion on an io_context of its own.
keel::FetchedString get(FetchRequest req) {
  net::io_context io;
  auto done = net::co_spawn(io, keel::fetch_string(std::move(req)), net::use_future);
  io.run();
  return done.get();
}

keel::FetchedString get(const std::string& url) { return get(FetchRequest{.url = url}); }

// The FetchError a fetch throws (fails the test when it succeeds).
FetchError failure(FetchRequest req) {
  try {
    auto got = get(std::move(req));
    ADD_FAILURE() << "no error: status " << got.result.status;
  } catch (const FetchError& e) { return e; }
  return FetchError(Kind::bad_url, "none");
}

FetchRequest quick(const std::string& url) {
  return FetchRequest{.url = url, .connect_timeout = 2s, .idle_timeout = 300ms, .total_timeout = 5s};
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST(HttpClient, JsonAnswer) {
  FakeUpstream up;
  auto got = get(up.url("/json"));
  EXPECT_EQ(got.result.status, 200);
  EXPECT_EQ(got.body, FakeUpstream::json_body());
  EXPECT_EQ(got.result.header("etag"), FakeUpstream::kJsonEtag);
  EXPECT_EQ(got.result.header("Last-Modified"), FakeUpstream::kJsonLastModified);
  EXPECT_EQ(got.result.header("content-type"), "application/json");
  EXPECT_EQ(got.result.final_url, up.url("/json"));
  EXPECT_EQ(got.result.body_bytes, got.body.size());
  EXPECT_EQ(got.result.redirects, 0);
  const auto seen = up.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "GET");
  EXPECT_EQ(seen[0].target, "/json");
  EXPECT_EQ(seen[0].header("Host"), "127.0.0.1:" + std::to_string(up.port()));
  EXPECT_EQ(seen[0].header("Accept-Encoding"), "gzip");
}

TEST(HttpClient, GzipBodyIsInflatedAsItArrives) {
  FakeUpstream up;
  auto got = get(up.url("/gzip-json"));
  EXPECT_EQ(got.result.status, 200);
  EXPECT_EQ(got.result.header("Content-Encoding"), "gzip");
  EXPECT_EQ(got.body, FakeUpstream::json_body());
  EXPECT_EQ(got.result.body_bytes, FakeUpstream::json_body().size());
  EXPECT_NE(got.result.received_bytes, got.result.body_bytes);  // the wire carried gzip

  auto plain = get(FetchRequest{.url = up.url("/gzip-json"), .accept_gzip = false});
  EXPECT_EQ(up.requests().back().header("Accept-Encoding"), std::nullopt);
  EXPECT_EQ(plain.body, FakeUpstream::json_body());
  EXPECT_EQ(plain.result.received_bytes, plain.result.body_bytes);
}

TEST(HttpClient, ChunkedBody) {
  FakeUpstream up;
  auto got = get(up.url("/chunked"));
  EXPECT_EQ(got.result.status, 200);
  EXPECT_EQ(got.body, FakeUpstream::json_body());
}

TEST(HttpClient, ErrorStatusesAreResults) {
  FakeUpstream up;
  for (int status : {404, 500, 503}) {
    auto got = get(up.url("/status/" + std::to_string(status)));
    EXPECT_EQ(got.result.status, status);
    EXPECT_FALSE(got.result.ok());
    EXPECT_EQ(got.body, "");  // a non-2xx body never reaches the sink
    EXPECT_EQ(got.result.error_body, "upstream says " + std::to_string(status));
  }
}

TEST(HttpClient, ConditionalGetTable) {
  FakeUpstream up;
  struct Case {
    const char* header;
    std::string value;
    int status;
  };
  const Case cases[] = {
      {"If-None-Match", FakeUpstream::kJsonEtag, 304},
      {"If-Modified-Since", FakeUpstream::kJsonLastModified, 304},
      {"If-None-Match", "\"other\"", 200},
  };
  for (const auto& c : cases) {
    FetchRequest req{.url = up.url("/gzip-json")};
    req.headers.emplace_back(c.header, c.value);
    auto got = get(std::move(req));
    EXPECT_EQ(got.result.status, c.status) << c.header << ": " << c.value;
    EXPECT_EQ(up.requests().back().header(c.header), c.value);
    if (c.status == 304) {
      EXPECT_EQ(got.body, "");
      EXPECT_EQ(got.result.header("ETag"), FakeUpstream::kJsonEtag);
    }
  }
}

TEST(HttpClient, BodyComesInBoundedPieces) {
  FakeUpstream up;
  const std::uint64_t size = 3 << 20;
  FetchRequest req{.url = up.url("/bytes/" + std::to_string(size)), .max_body_bytes = size};
  std::uint64_t total = 0;
  std::size_t largest = 0;
  req.on_body = [&](std::string_view piece) {
    total += piece.size();
    largest = std::max(largest, piece.size());
  };
  net::io_context io;
  auto done = net::co_spawn(io, keel::fetch(std::move(req)), net::use_future);
  io.run();
  const FetchResult result = done.get();
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.body_bytes, size);
  EXPECT_EQ(total, size);
  EXPECT_LE(largest, 64u << 10);
}

TEST(HttpClient, TooLargeTable) {
  FakeUpstream up;
  // A 5 MiB body (its length declared), and 8 MiB of zeros that gzip into a
  // few KiB: the cap is on the decoded body.
  for (const char* path : {"/bytes/5242880", "/gzip-zeros/8388608"}) {
    FetchRequest req = quick(up.url(path));
    req.max_body_bytes = 1 << 20;
    std::uint64_t delivered = 0;
    req.on_body = [&](std::string_view piece) { delivered += piece.size(); };
    net::io_context io;
    auto done = net::co_spawn(io, keel::fetch(std::move(req)), net::use_future);
    io.run();
    try {
      done.get();
      ADD_FAILURE() << path << ": no error";
    } catch (const FetchError& e) {
      EXPECT_EQ(e.kind, Kind::too_large) << path << ": " << e.what();
      EXPECT_TRUE(contains(e.what(), "too large")) << e.what();
    }
    EXPECT_LE(delivered, 1u << 20) << path;
  }
}

TEST(HttpClient, TransportFailuresTable) {
  FakeUpstream up;
  struct Case {
    const char* path;
    Kind kind;
    const char* says;
  };
  const Case cases[] = {
      {"/stall", Kind::timeout, "timed out (nothing for 300 ms)"},
      {"/stall-head", Kind::timeout, "timed out (nothing for 300 ms)"},
      {"/reset", Kind::reset, "reset"},
      {"/malformed", Kind::malformed, "malformed response"},
      {"/bad-gzip", Kind::bad_encoding, "invalid gzip body"},
      {"/redirect/loop", Kind::redirects, "more than 3 redirects"},
      {"/redirect/chain/4", Kind::redirects, "more than 3 redirects"},
  };
  for (const auto& c : cases) {
    const FetchError e = failure(quick(up.url(c.path)));
    EXPECT_EQ(e.kind, c.kind) << c.path << ": " << e.what();
    EXPECT_TRUE(contains(e.what(), c.says)) << c.path << ": " << e.what();
  }
}

TEST(HttpClient, TotalTimeLimit) {
  FakeUpstream up;
  FetchRequest req = quick(up.url("/trickle"));  // a byte every 50 ms: never idle for long
  req.total_timeout = 700ms;
  const auto start = std::chrono::steady_clock::now();
  const FetchError e = failure(std::move(req));
  EXPECT_EQ(e.kind, Kind::timeout) << e.what();
  EXPECT_TRUE(contains(e.what(), "took over 700 ms")) << e.what();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
}

TEST(HttpClient, RefusedConnection) {
  unsigned port = 0;
  {
    net::io_context io;
    net::ip::tcp::acceptor a(io, net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
    port = a.local_endpoint().port();
  }  // closed: nobody listens there now
  const FetchError e = failure(quick("http://127.0.0.1:" + std::to_string(port) + "/json"));
  EXPECT_EQ(e.kind, Kind::connect) << e.what();
  EXPECT_TRUE(contains(e.what(), "connect to 127.0.0.1:" + std::to_string(port))) << e.what();
  EXPECT_TRUE(contains(e.what(), "refused")) << e.what();
}

TEST(HttpClient, UnresolvableHost) {
  const FetchError e = failure(quick("http://no-such-host.invalid/json"));
  EXPECT_EQ(e.kind, Kind::dns) << e.what();
  EXPECT_TRUE(contains(e.what(), "no-such-host.invalid")) << e.what();
}

TEST(HttpClient, RedirectsTable) {
  FakeUpstream up;
  struct Case {
    const char* path;
    int redirects;
    std::string final_path;
  };
  const Case cases[] = {
      {"/redirect/relative", 1, "/json"},
      {"/redirect/absolute", 1, "/json"},
      {"/redirect/303", 1, "/json?after=303"},
      {"/redirect/chain/3", 3, "/json"},
  };
  for (const auto& c : cases) {
    auto got = get(up.url(c.path));
    EXPECT_EQ(got.result.status, 200) << c.path;
    EXPECT_EQ(got.body, FakeUpstream::json_body()) << c.path;
    EXPECT_EQ(got.result.redirects, c.redirects) << c.path;
    EXPECT_EQ(got.result.final_url, up.url(c.final_path)) << c.path;
  }
  FetchRequest none{.url = up.url("/redirect/relative"), .max_redirects = 0};
  EXPECT_EQ(failure(std::move(none)).kind, Kind::redirects);
}

TEST(HttpClient, CredentialsInTheUrlAreSentAsBasic) {
  FakeUpstream up;
  auto got = get("http://user:pa%40ss@127.0.0.1:" + std::to_string(up.port()) + "/json");
  EXPECT_EQ(got.result.status, 200);
  EXPECT_EQ(up.requests().back().header("Authorization"), "Basic dXNlcjpwYUBzcw==");  // user:pa@ss
}

class HttpClientTls : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("keel_tls_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(HttpClientTls, VerifiedWithTheCaFile) {
  const auto pki = e2e::TestPki::make("DNS:localhost,IP:127.0.0.1");
  FakeUpstream up(pki);
  const std::string ca = pki.write_ca((dir_ / "ca.pem").string());
  for (const char* host : {"127.0.0.1", "localhost"}) {
    FetchRequest req = quick(up.url("/gzip-json", host));
    req.ca_file = ca;
    auto got = get(std::move(req));
    EXPECT_EQ(got.result.status, 200) << host;
    EXPECT_EQ(got.body, FakeUpstream::json_body()) << host;
  }
}

TEST_F(HttpClientTls, FailuresTable) {
  const auto pki = e2e::TestPki::make("DNS:localhost");
  const auto other = e2e::TestPki::make("DNS:other.example");
  FakeUpstream up(pki);
  FakeUpstream up_other(other);
  struct Case {
    const char* name;
    std::string url;
    std::string ca_file;
    const char* says;
  };
  const Case cases[] = {
      {"unknown CA", up.url("/json", "localhost"), "", "certificate verify failed"},
      {"another CA", up.url("/json", "localhost"), other.write_ca((dir_ / "other.pem").string()),
       "certificate verify failed"},
      {"address not in the certificate", up.url("/json"), pki.write_ca((dir_ / "ca.pem").string()),
       "IP address mismatch"},
      {"name not in the certificate", up_other.url("/json", "localhost"), other.write_ca((dir_ / "other.pem").string()),
       "hostname mismatch"},
  };
  for (const auto& c : cases) {
    FetchRequest req = quick(c.url);
    req.ca_file = c.ca_file;
    const FetchError e = failure(std::move(req));
    EXPECT_EQ(e.kind, Kind::tls) << c.name << ": " << e.what();
    EXPECT_TRUE(contains(e.what(), c.says)) << c.name << ": " << e.what();
  }
}

TEST_F(HttpClientTls, PlainHttpToATlsPortFails) {
  FakeUpstream up(e2e::TestPki::make());
  const FetchError e = failure(quick("http://127.0.0.1:" + std::to_string(up.port()) + "/json"));
  // The TLS server's alert is no HTTP response (or it just hangs up).
  EXPECT_TRUE(e.kind == Kind::malformed || e.kind == Kind::reset) << e.what();
}

// A job's run timeout cancels its coroutine (Asio cancellation): a fetch
// waiting on a silent upstream ends at once, as FetchError(cancelled).
TEST(HttpClient, CancellationEndsTheFetch) {
  FakeUpstream up;
  net::io_context io;
  net::cancellation_signal cancel;
  std::optional<Kind> kind;
  auto done = [&](std::exception_ptr e, FetchResult) {
    try {
      if (e) std::rethrow_exception(e);
    } catch (const FetchError& fe) { kind = fe.kind; }
  };
  FetchRequest req{.url = up.url("/stall-head"), .idle_timeout = 60s, .total_timeout = 60s};
  net::co_spawn(io, keel::fetch(std::move(req)), net::bind_cancellation_slot(cancel.slot(), std::move(done)));
  net::steady_timer timer(io, 100ms);
  timer.async_wait([&](boost::system::error_code) { cancel.emit(net::cancellation_type::terminal); });
  const auto start = std::chrono::steady_clock::now();
  io.run();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_EQ(kind, Kind::cancelled);
}

TEST(HttpClient, RequestFieldsTheClientOwnsAreRefused) {
  FakeUpstream up;
  for (const char* name : {"Host", "connection", "Accept-Encoding", "Transfer-Encoding", "Bad Name", "X:y"}) {
    FetchRequest req{.url = up.url("/json")};
    req.headers.emplace_back(name, "x");
    EXPECT_THROW(get(std::move(req)), std::invalid_argument) << name;
  }
  FetchRequest injected{.url = up.url("/json")};
  injected.headers.emplace_back("X-Trace", "a\r\nX-Evil: 1");
  EXPECT_THROW(get(std::move(injected)), std::invalid_argument);
  EXPECT_EQ(up.connections(), 0u);  // refused before connecting
}
