#pragma once
// A Redis reply as a keel value (no hiredis type leaks out), and the reader
// that turns received RESP bytes into replies with hiredis's pure parser.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct redisReader;

namespace keel::redis {

struct Reply {
  enum class Type { nil, string, integer, array, status, error };
  Type type = Type::nil;
  std::string str;              // string, status, error
  std::int64_t integer = 0;     // integer
  std::vector<Reply> elements;  // array

  bool is_nil() const { return type == Type::nil; }
  bool is_error() const { return type == Type::error; }
  bool operator==(const Reply&) const = default;

  static Reply nil() { return {}; }
  static Reply string(std::string s) { return {.type = Type::string, .str = std::move(s)}; }
  static Reply status(std::string s) { return {.type = Type::status, .str = std::move(s)}; }
  static Reply error(std::string s) { return {.type = Type::error, .str = std::move(s)}; }
  static Reply number(std::int64_t v) { return {.type = Type::integer, .integer = v}; }
  static Reply array(std::vector<Reply> v) { return {.type = Type::array, .elements = std::move(v)}; }
};

// For test failures and logs: +OK, $"text", :5, (nil), -ERR x, [a, b].
std::string describe(const Reply& reply);

// The bytes of one command (RESP array of bulk strings).
std::string format_command(const std::vector<std::string>& argv);

// Feeds received bytes, yields complete replies in order. A protocol error,
// or one reply's bytes over max_reply_bytes, throws Error(protocol); the
// reader is then unusable (the connection must be reopened).
class ReplyReader {
 public:
  explicit ReplyReader(std::size_t max_reply_bytes = 16u << 20);
  ~ReplyReader();
  ReplyReader(const ReplyReader&) = delete;
  ReplyReader& operator=(const ReplyReader&) = delete;

  void feed(std::string_view bytes);
  std::optional<Reply> next();

 private:
  redisReader* reader_;
  std::size_t max_reply_bytes_;
  std::size_t since_reply_ = 0;  // bytes fed since the last complete reply began
};

}  // namespace keel::redis
