// services/redis/client against a real redis-server (started per test on a
// free port, killed by PID) and a fake server that never answers.
#include "e2e/redis_support.hpp"
#include "services/redis/client.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <chrono>
#include <future>
#include <thread>

using namespace std::chrono_literals;
using keel::redis::Client;
using keel::redis::ClientOptions;
using keel::redis::Error;
using keel::redis::ErrorKind;
using keel::redis::Reply;
using keel::redis::State;
namespace net = boost::asio;

namespace {

// The client on an io_context run by one thread; the test thread sends
// commands through futures.
struct Harness {
  explicit Harness(const std::string& url, ClientOptions options = {}) {
    auto parsed = keel::redis::parse_redis_url(url);
    if (!parsed) throw std::runtime_error("bad url " + url);
    client = std::make_unique<Client>(io.get_executor(), *parsed, options);
    thread = std::thread([this] { io.run(); });
  }
  ~Harness() {
    client->stop();
    work.reset();
    std::this_thread::sleep_for(20ms);
    io.stop();
    thread.join();
    client.reset();  // before the io_context its socket and timers belong to
  }
  std::future<Reply> send(std::vector<std::string> argv) {
    return net::co_spawn(io, client->command(std::move(argv)), net::use_future);
  }
  Reply cmd(std::vector<std::string> argv) { return send(std::move(argv)).get(); }
  // The kind of Error the command fails with (fails the test when it does not).
  ErrorKind fails(std::vector<std::string> argv, std::string* message = nullptr) {
    try {
      cmd(std::move(argv));
    } catch (const Error& e) {
      if (message) *message = e.what();
      return e.kind();
    }
    ADD_FAILURE() << "the command succeeded";
    return ErrorKind::protocol;
  }
  bool wait_state(State want, std::chrono::milliseconds within) {
    const auto deadline = std::chrono::steady_clock::now() + within;
    while (std::chrono::steady_clock::now() < deadline) {
      if (client->state() == want) return true;
      std::this_thread::sleep_for(10ms);
    }
    return client->state() == want;
  }

  net::io_context io;
  net::executor_work_guard<net::io_context::executor_type> work{io.get_executor()};
  std::unique_ptr<Client> client;
  std::thread thread;
};

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

TEST(RedisClient, SetGetExpireDelRoundTrip) {
  e2e::RedisServer redis;
  Harness h(redis.url());
  EXPECT_EQ(h.client->state(), State::off);  // nothing used it yet
  EXPECT_EQ(h.cmd({"SET", "keel:test", "v a l", "EX", "100"}), Reply::status("OK"));
  EXPECT_EQ(h.client->state(), State::ok);
  EXPECT_EQ(h.cmd({"GET", "keel:test"}), Reply::string("v a l"));
  Reply ttl = h.cmd({"TTL", "keel:test"});
  EXPECT_EQ(ttl.type, Reply::Type::integer);
  EXPECT_GT(ttl.integer, 90);
  EXPECT_LE(ttl.integer, 100);
  EXPECT_EQ(h.cmd({"DEL", "keel:test"}), Reply::number(1));
  EXPECT_EQ(h.cmd({"GET", "keel:test"}), Reply::nil());
  EXPECT_EQ(h.cmd({"MGET", "a", "b"}), Reply::array({Reply::nil(), Reply::nil()}));
  // An error reply throws with kind server; the connection stays in use.
  h.cmd({"SET", "text", "abc"});
  std::string message;
  EXPECT_EQ(h.fails({"INCR", "text"}, &message), ErrorKind::server);
  EXPECT_NE(message.find("ERR"), std::string::npos) << message;
  EXPECT_EQ(h.cmd({"PING"}), Reply::status("PONG"));
  EXPECT_EQ(h.client->connects_total(), 1u);
  EXPECT_EQ(redis.client_count(), 1u);
}

TEST(RedisClient, SelectsTheUrlsDatabase) {
  e2e::RedisServer redis;
  Harness h(redis.url(3));
  h.cmd({"SET", "where", "db3"});
  EXPECT_EQ(redis.cli("-n 3 get where").second, "db3\n");
  EXPECT_EQ(redis.cli("-n 0 exists where").second, "0\n");
}

TEST(RedisClient, TwoHundredConcurrentCommandsAreAnsweredInOrder) {
  e2e::RedisServer redis;
  ClientOptions options;
  options.max_queued = 400;
  Harness h(redis.url(), options);
  h.cmd({"DEL", "counter"});
  std::vector<std::future<Reply>> incr, echo;
  for (int i = 0; i < 200; ++i) {
    incr.push_back(h.send({"INCR", "counter"}));
    // Replies of different sizes, so some arrive split across reads.
    echo.push_back(h.send({"ECHO", std::to_string(i) + std::string(static_cast<std::size_t>(i) * 97, 'x')}));
  }
  for (int i = 0; i < 200; ++i) {
    EXPECT_EQ(incr[static_cast<std::size_t>(i)].get(), Reply::number(i + 1));
    EXPECT_EQ(echo[static_cast<std::size_t>(i)].get(),
              Reply::string(std::to_string(i) + std::string(static_cast<std::size_t>(i) * 97, 'x')));
  }
  EXPECT_EQ(h.client->connects_total(), 1u);
  EXPECT_EQ(redis.client_count(), 1u);
}

TEST(RedisClient, MoreThanTheQueueBoundFailsBusyAtOnce) {
  e2e::SilentServer silent;  // nothing is ever answered: commands stay queued
  ClientOptions options;
  options.command_timeout = 1500ms;
  Harness h("redis://127.0.0.1:" + std::to_string(silent.port()) + "/0", options);
  std::vector<std::future<Reply>> queued;
  for (int i = 0; i < 64; ++i) queued.push_back(h.send({"PING"}));
  std::this_thread::sleep_for(100ms);
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(h.fails({"PING"}), ErrorKind::busy);
  EXPECT_LT(seconds_since(t0), 0.5);
  int timeouts = 0;
  for (auto& f : queued) {
    try {
      f.get();
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::timeout) timeouts++;
    }
  }
  EXPECT_GE(timeouts, 1);  // the first one to time out drops the rest (unavailable)
}

TEST(RedisClient, NoReplyTimesOutAfterTwoSecondsThenTheClientReconnects) {
  e2e::SilentServer server;
  Harness h("redis://127.0.0.1:" + std::to_string(server.port()) + "/0");
  const auto t0 = std::chrono::steady_clock::now();
  std::string message;
  EXPECT_EQ(h.fails({"PING"}, &message), ErrorKind::timeout);
  const double took = seconds_since(t0);
  EXPECT_GT(took, 1.9);
  EXPECT_LT(took, 3.0);
  EXPECT_NE(message.find("no reply within 2000 ms"), std::string::npos) << message;
  // The connection is dropped (its replies are out of step) and reopened.
  server.start_answering();
  Reply pong;
  const auto deadline = std::chrono::steady_clock::now() + 3s;
  while (std::chrono::steady_clock::now() < deadline) {
    try {
      pong = h.cmd({"PING"});
      break;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::unavailable) << e.what();
      std::this_thread::sleep_for(20ms);
    }
  }
  EXPECT_EQ(pong, Reply::status("PONG"));
  EXPECT_EQ(h.client->state(), State::ok);
  EXPECT_EQ(server.accepted(), 2);
}

TEST(RedisClient, RedisKilledFailsFastThenRestartedIsUsedAgainOnOneConnection) {
  e2e::RedisServer redis;
  Harness h(redis.url());
  EXPECT_EQ(h.cmd({"SET", "k", "1"}), Reply::status("OK"));
  redis.kill();
  ASSERT_TRUE(h.wait_state(State::down, 2s));
  // While down, a command fails at once instead of waiting for the backoff.
  for (int i = 0; i < 5; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    std::string message;
    EXPECT_EQ(h.fails({"GET", "k"}, &message), ErrorKind::unavailable);
    EXPECT_LT(seconds_since(t0), 0.3) << message;
    std::this_thread::sleep_for(150ms);
  }
  redis.start();  // same port, empty
  // Backoff doubles from 100 ms to 5 s: back within one backoff step.
  ASSERT_TRUE(h.wait_state(State::ok, 6s));
  EXPECT_EQ(h.cmd({"GET", "k"}), Reply::nil());
  EXPECT_EQ(h.cmd({"SET", "k", "2"}), Reply::status("OK"));
  EXPECT_EQ(redis.client_count(), 1u);
  EXPECT_EQ(h.client->connects_total(), 2u);
}

TEST(RedisClient, IdleConnectionIsPingedSoStateFollowsIt) {
  e2e::RedisServer redis;
  Harness h(redis.url());
  h.client->open();  // no command: opened, then kept alive by PINGs
  ASSERT_TRUE(h.wait_state(State::ok, 2s));
  std::this_thread::sleep_for(2500ms);
  auto [rc, info] = redis.cli("info commandstats");
  EXPECT_NE(info.find("cmdstat_ping:calls="), std::string::npos) << info;
  redis.kill();
  EXPECT_TRUE(h.wait_state(State::down, 3s));
}

TEST(RedisClient, AuthenticatesWithThePassword) {
  e2e::RedisServer redis("s3cr et");
  {
    Harness h("redis://:s3cr%20et@127.0.0.1:" + std::to_string(redis.port()) + "/1");
    EXPECT_EQ(h.cmd({"SET", "k", "v"}), Reply::status("OK"));
    EXPECT_EQ(h.cmd({"GET", "k"}), Reply::string("v"));
  }
  {
    Harness h("redis://default:s3cr%20et@127.0.0.1:" + std::to_string(redis.port()) + "/1");
    EXPECT_EQ(h.cmd({"GET", "k"}), Reply::string("v"));
  }
  {
    Harness h("redis://:wrong@127.0.0.1:" + std::to_string(redis.port()) + "/1");
    std::string message;
    EXPECT_EQ(h.fails({"GET", "k"}, &message), ErrorKind::unavailable);
    EXPECT_NE(message.find("AUTH"), std::string::npos) << message;
    EXPECT_EQ(h.client->state(), State::down);
  }
  {
    Harness h("redis://127.0.0.1:" + std::to_string(redis.port()) + "/0");
    std::string message;
    EXPECT_EQ(h.fails({"GET", "k"}, &message), ErrorKind::server);
    EXPECT_NE(message.find("NOAUTH"), std::string::npos) << message;
  }
}

TEST(RedisClient, AReplyOverTheCapIsAProtocolErrorAndTheConnectionIsReopened) {
  e2e::RedisServer redis;
  ClientOptions options;
  options.max_reply_bytes = 4096;
  Harness h(redis.url(), options);
  h.cmd({"SET", "big", std::string(10000, 'b')});
  EXPECT_EQ(h.fails({"GET", "big"}), ErrorKind::protocol);
  ASSERT_TRUE(h.wait_state(State::ok, 2s));
  EXPECT_EQ(h.cmd({"STRLEN", "big"}), Reply::number(10000));
  EXPECT_EQ(h.client->connects_total(), 2u);
  EXPECT_EQ(redis.client_count(), 1u);
}

TEST(RedisClient, StoppedClientRefusesCommands) {
  e2e::RedisServer redis;
  Harness h(redis.url());
  h.cmd({"PING"});
  h.client->stop();
  ASSERT_TRUE(h.wait_state(State::off, 1s));
  EXPECT_EQ(h.fails({"PING"}), ErrorKind::unavailable);
  for (int i = 0; i < 50 && redis.client_count() != 0; ++i) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(redis.client_count(), 0u);
}
