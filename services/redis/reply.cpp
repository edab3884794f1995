#include "services/redis/reply.hpp"

#include "services/redis/error.hpp"

#include <hiredis/hiredis.h>

#include <cstdlib>
#include <memory>
#include <new>

namespace keel::redis {

const char* to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::unavailable: return "unavailable";
    case ErrorKind::timeout: return "timeout";
    case ErrorKind::busy: return "busy";
    case ErrorKind::protocol: return "protocol";
    case ErrorKind::server: return "server";
  }
  return "unknown";
}

namespace {

Reply convert(const redisReply& r) {
  switch (r.type) {
    case REDIS_REPLY_STRING: return Reply::string(std::string(r.str, r.len));
    case REDIS_REPLY_STATUS: return Reply::status(std::string(r.str, r.len));
    case REDIS_REPLY_ERROR: return Reply::error(std::string(r.str, r.len));
    case REDIS_REPLY_INTEGER: return Reply::number(r.integer);
    case REDIS_REPLY_NIL: return Reply::nil();
    case REDIS_REPLY_ARRAY: {
      std::vector<Reply> items;
      items.reserve(r.elements);
      for (std::size_t i = 0; i < r.elements; ++i) items.push_back(convert(*r.element[i]));
      return Reply::array(std::move(items));
    }
  }
  throw Error(ErrorKind::protocol, "redis: unknown reply type " + std::to_string(r.type));
}

struct FreeReply {
  void operator()(void* r) const { freeReplyObject(r); }
};

}  // namespace

std::string describe(const Reply& r) {
  switch (r.type) {
    case Reply::Type::nil: return "(nil)";
    case Reply::Type::string: return "$\"" + r.str + "\"";
    case Reply::Type::status: return "+" + r.str;
    case Reply::Type::error: return "-" + r.str;
    case Reply::Type::integer: return ":" + std::to_string(r.integer);
    case Reply::Type::array: {
      std::string s = "[";
      for (std::size_t i = 0; i < r.elements.size(); ++i) s += (i ? ", " : "") + describe(r.elements[i]);
      return s + "]";
    }
  }
  return "?";
}

std::string format_command(const std::vector<std::string>& argv) {
  std::vector<const char*> ptrs;
  std::vector<std::size_t> lens;
  ptrs.reserve(argv.size());
  lens.reserve(argv.size());
  for (const auto& a : argv) {
    ptrs.push_back(a.data());
    lens.push_back(a.size());
  }
  char* out = nullptr;
  const int n = redisFormatCommandArgv(&out, static_cast<int>(argv.size()), ptrs.data(), lens.data());
  if (n < 0 || !out) throw std::bad_alloc();
  std::string bytes(out, static_cast<std::size_t>(n));
  redisFreeCommand(out);
  return bytes;
}

ReplyReader::ReplyReader(std::size_t max_reply_bytes) : reader_(redisReaderCreate()), max_reply_bytes_(max_reply_bytes) {
  if (!reader_) throw std::bad_alloc();
}

ReplyReader::~ReplyReader() { redisReaderFree(reader_); }

void ReplyReader::feed(std::string_view bytes) {
  since_reply_ += bytes.size();
  // The reader keeps a reply's unparsed bytes (a bulk string whole) and the
  // parts parsed so far: bounding the bytes of one reply bounds both.
  if (since_reply_ > max_reply_bytes_)
    throw Error(ErrorKind::protocol, "redis: a reply over " + std::to_string(max_reply_bytes_) + " bytes");
  if (redisReaderFeed(reader_, bytes.data(), bytes.size()) != REDIS_OK)
    throw Error(ErrorKind::protocol, std::string("redis: ") + reader_->errstr);
}

std::optional<Reply> ReplyReader::next() {
  void* raw = nullptr;
  if (redisReaderGetReply(reader_, &raw) != REDIS_OK)
    throw Error(ErrorKind::protocol, std::string("redis: ") + reader_->errstr);
  if (!raw) return std::nullopt;
  std::unique_ptr<void, FreeReply> owned(raw);
  // What is left unparsed belongs to the replies after this one.
  since_reply_ = reader_->len - reader_->pos;
  return convert(*static_cast<const redisReply*>(raw));
}

}  // namespace keel::redis
