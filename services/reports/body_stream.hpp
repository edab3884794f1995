#pragma once
// A stored report body read back piece by piece: 128 KiB SUBSTRING chunks of
// the gzip, passed through as they are, or inflated on the fly into pieces
// of at most GzipInflate::kPiece-ish size (http/codec/gzip_inflate). Only
// one chunk and one piece are in memory at a time.
#include "http/blocking.hpp"
#include "http/codec/gzip_inflate.hpp"
#include "services/reports/repository.hpp"

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <optional>
#include <string>

namespace keel::reports {

class BodyStream {
 public:
  // Read from the database at a time. The database client keeps its receive
  // buffer at the largest row it has read, for the connection's life: about
  // twice the chunk per pooled connection (1 MiB chunks left 2 MiB on each
  // for good). Each SUBSTRING makes the server read the whole BLOB, so much
  // smaller chunks cost server time (a 2 MiB body: 16 queries, ~0.1 s).
  static constexpr std::uint64_t kChunk = 128 << 10;
  static constexpr std::size_t kSlice = 64 << 10;   // gzip inflated per step

  BodyStream(Repository repo, BlockingPool& blocking, std::int64_t id, std::uint64_t stored_bytes, bool inflate);
  // The next piece; nullopt at the end. Throws when the report went away
  // meanwhile or its body is not a whole gzip stream.
  boost::asio::awaitable<std::optional<std::string>> next();

 private:
  boost::asio::awaitable<bool> fill();  // the next chunk into gz_; false at the end

  Repository repo_;
  BlockingPool& blocking_;
  std::int64_t id_;
  std::uint64_t stored_bytes_;
  std::uint64_t offset_ = 0;  // of the next chunk
  std::unique_ptr<GzipInflate> inflate_;
  std::string gz_;        // the current chunk (inflating)
  std::size_t used_ = 0;  // ... bytes of it fed
  bool ended_ = false;
};

}  // namespace keel::reports
