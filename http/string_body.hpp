#pragma once
// A request body served from memory, in pieces no larger than the caller's
// buffer (as the connection's reader does): with a Content-Length, or
// without one as a chunked body would come. For a body read once and handed
// on (routers/idempotency hashes it first), and for tests. It refers to
// `data`, which must outlive it.
#include "http/http.hpp"

#include <algorithm>
#include <cstring>
#include <string_view>

namespace keel {

class StringBody final : public BodyReader {
 public:
  explicit StringBody(std::string_view data, bool chunked = false) : data_(data), chunked_(chunked) {}
  awaitable<std::size_t> read_some(std::span<char> buf) override {
    std::size_t n = std::min(buf.size(), data_.size() - pos_);
    std::memcpy(buf.data(), data_.data() + pos_, n);
    pos_ += n;
    co_return n;
  }
  bool done() const override { return pos_ == data_.size(); }
  std::optional<std::uint64_t> content_length() const override {
    if (chunked_) return std::nullopt;
    return data_.size();
  }
  bool chunked() const override { return chunked_; }
  bool expects_continue() const override { return false; }

 private:
  std::string_view data_;
  std::size_t pos_ = 0;
  bool chunked_;
};

}  // namespace keel
