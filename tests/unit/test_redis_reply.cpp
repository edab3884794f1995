#include "services/redis/error.hpp"
#include "services/redis/reply.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using keel::redis::describe;
using keel::redis::Error;
using keel::redis::ErrorKind;
using keel::redis::format_command;
using keel::redis::Reply;
using keel::redis::ReplyReader;

namespace {

// Feeds `resp` in pieces of `step` bytes; returns every reply in order.
std::vector<Reply> read_all(const std::string& resp, std::size_t step) {
  ReplyReader reader;
  std::vector<Reply> out;
  for (std::size_t i = 0; i < resp.size(); i += step) {
    reader.feed(std::string_view(resp).substr(i, step));
    while (auto r = reader.next()) out.push_back(std::move(*r));
  }
  return out;
}

}  // namespace

TEST(RedisReply, ConvertsEveryTypeAtEverySplit) {
  struct Case {
    const char* name;
    std::string resp;
    Reply want;
  };
  const std::vector<Case> cases = {
      {"status", "+OK\r\n", Reply::status("OK")},
      {"error", "-ERR wrong type\r\n", Reply::error("ERR wrong type")},
      {"integer", ":-42\r\n", Reply::number(-42)},
      {"big integer", ":9223372036854775807\r\n", Reply::number(9223372036854775807LL)},
      {"bulk", "$5\r\nhello\r\n", Reply::string("hello")},
      {"empty bulk", "$0\r\n\r\n", Reply::string("")},
      {"binary bulk", std::string("$4\r\na\r\0b\r\n", 10), Reply::string(std::string("a\r\0b", 4))},
      {"nil bulk", "$-1\r\n", Reply::nil()},
      {"nil array", "*-1\r\n", Reply::nil()},
      {"empty array", "*0\r\n", Reply::array({})},
      {"mixed array", "*4\r\n$1\r\na\r\n$-1\r\n:7\r\n+QUEUED\r\n",
       Reply::array({Reply::string("a"), Reply::nil(), Reply::number(7), Reply::status("QUEUED")})},
      {"nested arrays", "*2\r\n*2\r\n:1\r\n*1\r\n-E inner\r\n*0\r\n",
       Reply::array({Reply::array({Reply::number(1), Reply::array({Reply::error("E inner")})}), Reply::array({})})},
  };
  for (const auto& c : cases) {
    for (std::size_t step = 1; step <= c.resp.size(); ++step) {
      SCOPED_TRACE(std::string(c.name) + ", pieces of " + std::to_string(step));
      auto got = read_all(c.resp, step);
      ASSERT_EQ(got.size(), 1u);
      EXPECT_EQ(got[0], c.want) << describe(got[0]);
    }
  }
}

TEST(RedisReply, SeveralRepliesInOneFeedComeOutInOrder) {
  auto got = read_all("+PONG\r\n:1\r\n$3\r\nabc\r\n*1\r\n$-1\r\n", 1000);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0], Reply::status("PONG"));
  EXPECT_EQ(got[1], Reply::number(1));
  EXPECT_EQ(got[2], Reply::string("abc"));
  EXPECT_EQ(got[3], Reply::array({Reply::nil()}));
}

TEST(RedisReply, ProtocolErrorsThrowProtocol) {
  // RESP3 map, a bad type byte, a bad length.
  for (std::string bad : {"%1\r\n", "?x\r\n", "$x\r\n"}) {
    SCOPED_TRACE(bad);
    ReplyReader reader;
    try {
      reader.feed(bad);
      while (reader.next()) {}
      ADD_FAILURE() << "no error";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::protocol);
    }
  }
}

TEST(RedisReply, AReplyOverTheCapIsAProtocolError) {
  ReplyReader reader(1024);
  // Replies within the cap pass, however many bytes go through in all.
  for (int i = 0; i < 10; ++i) {
    reader.feed("$600\r\n" + std::string(600, 'x') + "\r\n");
    auto r = reader.next();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->str.size(), 600u);
  }
  // One reply of 2000 bytes, fed in pieces.
  std::string big = "$2000\r\n" + std::string(2000, 'y') + "\r\n";
  try {
    for (std::size_t i = 0; i < big.size(); i += 100) {
      reader.feed(std::string_view(big).substr(i, 100));
      EXPECT_FALSE(reader.next());
    }
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::protocol);
  }
}

TEST(RedisReply, FormatsCommandsAsBulkStringArrays) {
  EXPECT_EQ(format_command({"PING"}), "*1\r\n$4\r\nPING\r\n");
  EXPECT_EQ(format_command({"SET", "k y", std::string("a\0b", 3)}),
            std::string("*3\r\n$3\r\nSET\r\n$3\r\nk y\r\n$3\r\na\0b\r\n", 31));
  EXPECT_EQ(format_command({"GET", ""}), "*2\r\n$3\r\nGET\r\n$0\r\n\r\n");
}
