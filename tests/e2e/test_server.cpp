// The HTTP server, router, middleware and lifecycle, against the real binary.
#include "e2e/support.hpp"

#include <gtest/gtest.h>

#include <sys/socket.h>
#include <chrono>
#include <csignal>
#include <future>
#include <thread>

using namespace e2e;
using namespace std::chrono;

namespace {

// One keel for the read-only tests of this file (starting one per test
// would cost more than the tests).
class Server : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    keel_ = new Keel(Env{{"KEEL_CORS_ORIGINS", "https://app.example"}, {"KEEL_MAX_BODY_MB", "1"}});
  }
  static void TearDownTestSuite() {
    delete keel_;
    keel_ = nullptr;
  }
  static unsigned port() { return keel_->port(); }
  static Keel* keel_;
};
Keel* Server::keel_ = nullptr;

}  // namespace

TEST_F(Server, HealthAnswersStatusVersionUptime) {
  auto r = get(port(), "/api/health");
  EXPECT_EQ(r.status, 200);
  auto j = r.json();
  EXPECT_EQ(j["status"], "ok");
  EXPECT_TRUE(j["version"].is_string());
  EXPECT_TRUE(j["uptime_s"].is_number_integer());
  EXPECT_EQ(r.header("Content-Type").value_or(""), "application/json");
  EXPECT_EQ(r.header("X-Request-ID").value_or("").size(), 32u);
}

TEST_F(Server, HealthMemoryReportsBudgetAndState) {
  auto r = get(port(), "/api/health/memory");
  ASSERT_EQ(r.status, 200);
  auto j = r.json();
  EXPECT_GT(j["rss_bytes"].get<long long>(), 0);
  EXPECT_GE(j["peak_rss_bytes"].get<long long>(), j["rss_bytes"].get<long long>());
  EXPECT_GT(j["limit_bytes"].get<long long>(), 0);
  EXPECT_TRUE(j["limit_source"] == "cgroup" || j["limit_source"] == "system");
  EXPECT_EQ(j["warn_percent"], 85);
  EXPECT_EQ(j["reject_percent"], 90);
  EXPECT_TRUE(j["state"] == "ok" || j["state"] == "warning" || j["state"] == "critical");
  EXPECT_TRUE(j["used_percent"].is_number());
}

TEST_F(Server, RequestIdIsEchoedWhenValidAndReplacedWhenNot) {
  auto ok = get(port(), "/api/health", {{"X-Request-ID", "abc.DEF_123-x"}});
  EXPECT_EQ(ok.header("X-Request-ID").value_or(""), "abc.DEF_123-x");
  auto bad = get(port(), "/api/health", {{"X-Request-ID", "bad id with spaces"}});
  EXPECT_NE(bad.header("X-Request-ID").value_or(""), "bad id with spaces");
  EXPECT_EQ(bad.header("X-Request-ID").value_or("").size(), 32u);
  auto longid = get(port(), "/api/health", {{"X-Request-ID", std::string(129, 'a')}});
  EXPECT_NE(longid.header("X-Request-ID").value_or(""), std::string(129, 'a'));
}

TEST_F(Server, UnknownPathIs404Json) {
  auto r = get(port(), "/api/nope");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.json(), nlohmann::json({{"detail", "Not Found"}}));
}

TEST_F(Server, WrongMethodIs405WithAllow) {
  auto r = request(port(), {"DELETE", "/api/health", {}, ""});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->json(), nlohmann::json({{"detail", "Method Not Allowed"}}));
  EXPECT_EQ(r->header("Allow").value_or(""), "GET, HEAD");
}

TEST_F(Server, HeadMatchesGetWithoutBody) {
  auto g = get(port(), "/api/health/memory");
  Conn c(port());
  ASSERT_TRUE(c.send("HEAD /api/health HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto h = c.read_response(true);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, 200);
  EXPECT_EQ(h->header("Content-Type").value_or(""), "application/json");
  EXPECT_GT(std::stoi(h->header("Content-Length").value_or("0")), 0);
  EXPECT_TRUE(h->body.empty());
  // The connection is still in sync: no body bytes were sent after the header.
  ASSERT_TRUE(c.send("GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto after = c.read_response();
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200);
  EXPECT_EQ(after->json()["status"], "ok");
}

TEST_F(Server, KeepAliveServesManyRequestsOnOneConnection) {
  Conn c(port());
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(c.send("GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n")) << i;
    auto r = c.read_response();
    ASSERT_TRUE(r) << i;
    ASSERT_EQ(r->status, 200) << i;
    ASSERT_NE(r->header("Connection").value_or(""), "close");
  }
}

TEST_F(Server, PipelinedRequestsAreAnsweredInOrder) {
  Conn c(port());
  ASSERT_TRUE(
      c.send("GET /api/health HTTP/1.1\r\nHost: x\r\n\r\nGET /api/nope HTTP/1.1\r\nHost: x\r\n\r\n"
             "GET /api/health HTTP/1.1\r\nHost: x\r\nX-Request-ID: third\r\n\r\n"));
  auto a = c.read_response(), b = c.read_response(), d = c.read_response();
  ASSERT_TRUE(a && b && d);
  EXPECT_EQ(a->status, 200);
  EXPECT_EQ(b->status, 404);
  EXPECT_EQ(d->header("X-Request-ID").value_or(""), "third");
}

TEST_F(Server, StreamedBodyIsChunkedOn11AndCloseDelimitedOn10) {
  Conn c(port());
  ASSERT_TRUE(c.send("GET /api/_test/stream?chunks=3 HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("Transfer-Encoding").value_or(""), "chunked");
  EXPECT_EQ(r->body, "chunk-0;chunk-1;chunk-2;");
  // The connection is still good after the last chunk.
  ASSERT_TRUE(c.send("GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto again = c.read_response();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200);

  // HTTP/1.0 knows no chunked encoding: the body ends with the connection.
  Conn old(port());
  ASSERT_TRUE(old.send("GET /api/_test/stream?chunks=2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  auto o = old.read_response();
  ASSERT_TRUE(o);
  EXPECT_EQ(o->status_line.rfind("HTTP/1.0 200", 0), 0u) << o->status_line;
  EXPECT_FALSE(o->header("Transfer-Encoding"));
  EXPECT_FALSE(o->header("Content-Length"));
  EXPECT_EQ(o->body, "chunk-0;chunk-1;");
}

TEST_F(Server, Http10KeepAliveIsHonouredAndSpelledOut) {
  Conn c(port());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(c.send("GET /api/health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")) << i;
    auto r = c.read_response();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->header("Connection").value_or(""), "keep-alive");
  }
  // Without the header an HTTP/1.0 connection closes after the answer.
  Conn once(port());
  ASSERT_TRUE(once.send("GET /api/health HTTP/1.0\r\n\r\n"));
  ASSERT_TRUE(once.read_response());
  EXPECT_TRUE(once.wait_closed(2));
}

TEST_F(Server, DeclaredBodyOverCapIs413BeforeAnyBodyByte) {
  // 1 MiB cap (KEEL_MAX_BODY_MB=1); only the header is sent.
  Conn c(port(), 5);
  auto t0 = steady_clock::now();
  ASSERT_TRUE(
      c.send("POST /api/_test/json_size HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             "Content-Length: 104857600\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_TRUE(r->json()["detail"].is_string());
  EXPECT_LT(duration_cast<milliseconds>(steady_clock::now() - t0).count(), 2000);
  EXPECT_TRUE(c.wait_closed(5));
}

TEST_F(Server, ExpectContinueOverCapIs413WithoutContinue) {
  Conn c(port(), 5);
  ASSERT_TRUE(
      c.send("POST /api/_test/json_size HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             "Expect: 100-continue\r\nContent-Length: 5000000\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
}

TEST_F(Server, ExpectContinueUnderCapGets100ThenResult) {
  Conn c(port(), 5);
  ASSERT_TRUE(
      c.send("POST /api/_test/json_size HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             "Expect: 100-continue\r\nContent-Length: 2\r\n\r\n"));
  char buf[64] = {};
  ssize_t n = ::recv(c.fd(), buf, sizeof buf - 1, 0);
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(buf).rfind("HTTP/1.1 100 Continue\r\n\r\n", 0), 0u);
  ASSERT_TRUE(c.send("{}"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->json()["bytes"], 2);
}

TEST_F(Server, ChunkedBodyOverCapIs413WhileReading) {
  Conn c(port(), 5);
  std::string chunk(600 * 1024, 'x');
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
  ASSERT_TRUE(
      c.send("POST /api/_test/json_size HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             "Transfer-Encoding: chunked\r\n\r\n"));
  c.send(size + chunk + "\r\n" + size + chunk + "\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
}

TEST_F(Server, SmallBodyIsReadWithContentLengthAndChunked) {
  auto r =
      request(port(), {"POST", "/api/_test/json_size", {{"Content-Type", "application/json"}}, std::string(1000, 'a')});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->json()["bytes"], 1000);
  Conn c(port());
  ASSERT_TRUE(
      c.send("POST /api/_test/stream_size HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
             "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
  auto s = c.read_response();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->status, 200);
  EXPECT_EQ(s->json()["bytes"], 11);
}

TEST_F(Server, UnreadSmallBodyIsDrainedAndConnectionKept) {
  Conn c(port());
  ASSERT_TRUE(
      c.send("GET /api/health HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789"
             "GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto a = c.read_response(), b = c.read_response();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->status, 200);
  EXPECT_EQ(b->status, 200);
}

TEST_F(Server, MalformedJsonIs422JsonInvalid) {
  auto r = request(port(), {"POST", "/api/_test/json_echo", {{"Content-Type", "application/json"}}, "{\"a\": 1,"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  auto d = r->json()["detail"];
  ASSERT_TRUE(d.is_array());
  EXPECT_EQ(d[0]["type"], "json_invalid");
  EXPECT_EQ(d[0]["loc"][0], "body");
}

TEST_F(Server, JsonRouteWithOtherContentTypeIs415) {
  auto r = request(port(), {"POST", "/api/_test/json_echo", {{"Content-Type", "text/plain"}}, "{}"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 415);
  EXPECT_TRUE(r->json()["detail"].is_string());
}

TEST_F(Server, UnhandledExceptionIs500WithRequestIdAndServerKeepsServing) {
  auto r = get(port(), "/api/_test/throw", {{"X-Request-ID", "boom-1"}});
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.json(), nlohmann::json({{"detail", "Internal Server Error"}, {"request_id", "boom-1"}}));
  EXPECT_EQ(get(port(), "/api/health").status, 200);
  EXPECT_NE(keel_->log().find("deliberate failure for tests"), std::string::npos);
}

TEST_F(Server, BadAllocIs503AndNextRequestSucceeds) {
  auto r = get(port(), "/api/_test/bad_alloc");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.header("Retry-After").value_or(""), "5");
  EXPECT_EQ(r.json()["detail"], "server under memory pressure, retry later");
  EXPECT_EQ(get(port(), "/api/health").status, 200);
  EXPECT_GE(get(port(), "/api/health/memory").json()["alloc_failures_total"].get<int>(), 1);
}

TEST_F(Server, HugeHeaderIs431) {
  std::string req = "GET /api/health HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 40; ++i) req += "X-Filler-" + std::to_string(i) + ": " + std::string(500, 'a') + "\r\n";
  req += "\r\n";
  Conn c(port());
  c.send(req);
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_TRUE(r->json()["detail"].is_string());
}

// Many tiny fields fit in 16 KiB but each costs bookkeeping: past 100
// fields the request is refused, and a request at the limit still works.
TEST_F(Server, TooManyHeaderFieldsIs431AndTheLimitItselfIsServed) {
  std::string over = "GET /api/health/memory HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 1000; ++i) over += "a" + std::to_string(i) + ":\r\n";
  over += "\r\n";
  ASSERT_LT(over.size(), 16u * 1024);
  Conn c(port());
  c.send(over);
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_NE(r->json()["detail"].get<std::string>().find("too many request header fields"), std::string::npos);
  EXPECT_TRUE(c.wait_closed(5));

  RequestSpec at_limit{.method = "GET", .path = "/api/health/memory"};
  // + Host and Connection: 100 fields
  for (int i = 0; i < 98; ++i) at_limit.headers.emplace_back("X-F" + std::to_string(i), "v");
  auto ok = request(port(), at_limit);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST_F(Server, LongTargetIs414) {
  for (std::size_t len : {9000u, 20000u}) {
    Conn c(port());
    c.send("GET /api/health?x=" + std::string(len, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = c.read_response();
    ASSERT_TRUE(r) << len;
    EXPECT_EQ(r->status, 414) << len;
    EXPECT_TRUE(r->json()["detail"].is_string());
  }
}

TEST_F(Server, MalformedRequestIs400AndClosed) {
  Conn c(port());
  c.send("THIS IS NOT HTTP\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(r->json()["detail"].is_string());
  EXPECT_TRUE(c.wait_closed(3));
}

TEST_F(Server, BadIntPathParamIs422LikeFastApi) {
  // The test routes have none; the typed router is unit-tested. Here: a
  // percent-encoded path still routes after decoding.
  auto r = get(port(), "/api/%68ealth");
  EXPECT_EQ(r.status, 200);
}

TEST_F(Server, CorsPreflightAndSimpleRequest) {
  auto pre = request(port(), {"OPTIONS",
                              "/api/health",
                              {{"Origin", "https://app.example"},
                               {"Access-Control-Request-Method", "GET"},
                               {"Access-Control-Request-Headers", "x-api-key"}},
                              ""});
  ASSERT_TRUE(pre);
  EXPECT_EQ(pre->status, 204);
  EXPECT_EQ(pre->header("Access-Control-Allow-Origin").value_or(""), "https://app.example");
  EXPECT_EQ(pre->header("Access-Control-Allow-Headers").value_or(""), "x-api-key");
  auto simple = get(port(), "/api/health", {{"Origin", "https://app.example"}});
  EXPECT_EQ(simple.header("Access-Control-Allow-Origin").value_or(""), "https://app.example");
  auto other = get(port(), "/api/health", {{"Origin", "https://evil.example"}});
  EXPECT_FALSE(other.header("Access-Control-Allow-Origin"));
  auto bad = request(
      port(),
      {"OPTIONS", "/api/health", {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "GET"}}, ""});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
}

// --- timeouts and lifecycle: each with its own keel --------------------------

TEST(ServerTimeouts, HalfHeaderIsCutOffWhileOthersAreServed) {
  Keel k(Env{{"KEEL_HEADER_TIMEOUT_S", "0.5"}});
  Conn slow(k.port());
  ASSERT_TRUE(slow.send("GET /api/health HTTP/1.1\r\nHost: x\r\n"));
  // Meanwhile a normal client is served at once.
  auto t0 = steady_clock::now();
  EXPECT_EQ(get(k.port(), "/api/health").status, 200);
  EXPECT_LT(duration_cast<milliseconds>(steady_clock::now() - t0).count(), 400);
  // Cut off without an answer (as nginx does), never served.
  EXPECT_FALSE(slow.read_response());
  auto elapsed = duration_cast<milliseconds>(steady_clock::now() - t0).count();
  EXPECT_GE(elapsed, 300);
  EXPECT_LT(elapsed, 2500);
}

TEST(ServerTimeouts, TricklingClientDoesNotResetTheHeaderDeadline) {
  Keel k(Env{{"KEEL_HEADER_TIMEOUT_S", "0.6"}});
  Conn c(k.port());
  std::string req = "GET /api/health HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(100, 'a') + "\r\n\r\n";
  auto t0 = steady_clock::now();
  bool cut = false;
  for (char ch : req) {
    if (!c.send(std::string(1, ch))) {
      cut = true;
      break;
    }
    std::this_thread::sleep_for(milliseconds(20));
    if (steady_clock::now() - t0 > seconds(3)) break;
  }
  // The connection is cut at the deadline: never a 200.
  EXPECT_FALSE(c.read_response());
  EXPECT_LT(duration_cast<milliseconds>(steady_clock::now() - t0).count(), 3000);
  (void)cut;
}

TEST(ServerTimeouts, IdleKeepAliveConnectionIsClosed) {
  Keel k(Env{{"KEEL_IDLE_TIMEOUT_S", "0.5"}});
  Conn c(k.port());
  ASSERT_TRUE(c.send("GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(c.read_response());
  auto t0 = steady_clock::now();
  EXPECT_TRUE(c.wait_closed(3));
  EXPECT_GE(duration_cast<milliseconds>(steady_clock::now() - t0).count(), 300);
}

TEST(ServerLifecycle, GracefulShutdownLetsSlowRequestFinishAndExitsZero) {
  Keel k;
  auto slow = std::async(std::launch::async, [port = k.port()] { return get(port, "/api/_test/slow?ms=1500"); });
  // An idle keep-alive connection must not hold the shutdown up.
  Conn idle(k.port());
  ASSERT_TRUE(idle.send("GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(idle.read_response());
  std::this_thread::sleep_for(milliseconds(300));
  auto t0 = steady_clock::now();
  int code = k.stop(SIGTERM, 20);
  auto r = slow.get();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["slept_ms"], 1500);
  EXPECT_EQ(code, 0);
  EXPECT_LT(duration_cast<milliseconds>(steady_clock::now() - t0).count(), 5000);
  EXPECT_TRUE(idle.wait_closed(1));
}

// A proxy in front (nginx) may have sent requests that still wait in the
// listener's queue when SIGTERM comes: they are answered, not reset.
TEST(ServerLifecycle, RequestsQueuedOnTheListenerAtShutdownAreAnswered) {
  Keel k;
  ASSERT_EQ(::kill(k.pid(), SIGSTOP), 0);  // nothing is accepted meanwhile
  std::vector<std::unique_ptr<Conn>> queued;
  for (int i = 0; i < 20; ++i) {
    queued.push_back(std::make_unique<Conn>(k.port()));
    ASSERT_TRUE(queued.back()->send("GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n"));
  }
  ASSERT_EQ(::kill(k.pid(), SIGTERM), 0);  // pending with the queued connections
  EXPECT_EQ(k.stop(SIGCONT, 20), 0);
  int answered = 0;
  for (auto& c : queued) {
    auto r = c->read_response();
    if (r && r->status == 200) ++answered;
  }
  EXPECT_EQ(answered, 20);
}

TEST(ServerLifecycle, ShutdownGraceLimitsSlowRequests) {
  Keel k(Env{{"KEEL_SHUTDOWN_GRACE_S", "0.5"}});
  auto slow = std::async(std::launch::async, [port = k.port()] {
    return request(port, {"GET", "/api/_test/slow?ms=10000", {}, ""});
  });
  std::this_thread::sleep_for(milliseconds(300));
  auto t0 = steady_clock::now();
  EXPECT_EQ(k.stop(SIGTERM, 20), 0);
  EXPECT_LT(duration_cast<milliseconds>(steady_clock::now() - t0).count(), 4000);
  EXPECT_FALSE(slow.get());  // cut off, no response
}

TEST(ServerConfig, BadValueIsOneLineNamingTheVariableAndExit2) {
  auto [code, out] = Keel::run({}, {{"KEEL_PORT", "eighty"}});
  EXPECT_EQ(code, 2);
  EXPECT_NE(out.find("KEEL_PORT"), std::string::npos);
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1);
  auto [code2, out2] = Keel::run({"--upload-chunk-kb", "4096"});
  EXPECT_EQ(code2, 2);
  EXPECT_NE(out2.find("--upload-chunk-kb"), std::string::npos);
}

TEST(ServerConfig, HelpListsEveryVariableAndVersionPrints) {
  auto [code, out] = Keel::run({"--help"});
  EXPECT_EQ(code, 0);
  for (const char* v : {"KEEL_HOST",
                        "KEEL_PORT",
                        "KEEL_THREADS",
                        "KEEL_DATA_DIR",
                        "KEEL_STATIC_DIR",
                        "KEEL_DB_URL",
                        "KEEL_DB_POOL_SIZE",
                        "KEEL_DB_MAX_OVERFLOW",
                        "KEEL_DB_POOL_TIMEOUT_S",
                        "KEEL_DB_POOL_RECYCLE_S",
                        "KEEL_ADMIN_API_KEY",
                        "KEEL_MAX_BODY_MB",
                        "KEEL_MAX_UPLOAD_MB",
                        "KEEL_UPLOAD_CHUNK_KB",
                        "KEEL_MEMORY_LIMIT_MB",
                        "KEEL_MEMORY_WARN_PERCENT",
                        "KEEL_MEMORY_REJECT_PERCENT",
                        "KEEL_LOG_LEVEL",
                        "KEEL_LOG_FORMAT",
                        "KEEL_HEADER_TIMEOUT_S",
                        "KEEL_IDLE_TIMEOUT_S",
                        "KEEL_SHUTDOWN_GRACE_S",
                        "KEEL_CORS_ORIGINS",
                        "KEEL_MAX_CONNECTIONS",
                        "KEEL_MAX_UPLOADS",
                        "KEEL_PDF_CONCURRENCY",
                        "KEEL_AUTO_MIGRATE"})
    EXPECT_NE(out.find(v), std::string::npos) << v;
  auto [vcode, vout] = Keel::run({"--version"});
  EXPECT_EQ(vcode, 0);
  EXPECT_EQ(vout.rfind("keel ", 0), 0u);
}

TEST(ServerLogging, JsonAccessLogLinesAreValidJson) {
  Keel k(Env{{"KEEL_LOG_FORMAT", "json"}});
  get(k.port(), "/api/health", {{"X-Request-ID", "json-log-1"}});
  std::this_thread::sleep_for(milliseconds(100));
  std::string log = k.log();
  bool found = false;
  std::istringstream in(log);
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << line;
    if (j.value("request_id", "") == "json-log-1") {
      found = true;
      EXPECT_EQ(j["method"], "GET");
      EXPECT_EQ(j["path"], "/api/health");
      EXPECT_EQ(j["status"], 200);
      EXPECT_TRUE(j["duration_ms"].is_number());
      EXPECT_TRUE(j["bytes"].is_number());
    }
  }
  EXPECT_TRUE(found) << log;
}
