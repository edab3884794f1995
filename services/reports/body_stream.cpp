#include "services/reports/body_stream.hpp"

#include <stdexcept>

namespace keel::reports {

BodyStream::BodyStream(Repository repo, BlockingPool& blocking, std::int64_t id, std::uint64_t stored_bytes,
                       bool inflate)
    : repo_(repo), blocking_(blocking), id_(id), stored_bytes_(stored_bytes) {
  if (inflate) inflate_ = std::make_unique<GzipInflate>();
}

boost::asio::awaitable<bool> BodyStream::fill() {
  if (offset_ >= stored_bytes_) co_return false;
  std::optional<std::string> chunk = co_await repo_.chunk(id_, offset_, kChunk);
  if (!chunk) throw std::runtime_error("report deleted while being sent");
  if (chunk->empty()) throw std::runtime_error("report body shorter than recorded");
  offset_ += chunk->size();
  gz_ = std::move(*chunk);
  used_ = 0;
  co_return true;
}

boost::asio::awaitable<std::optional<std::string>> BodyStream::next() {
  if (ended_) co_return std::nullopt;
  if (!inflate_) {
    if (!co_await fill()) {
      ended_ = true;
      co_return std::nullopt;
    }
    co_return std::move(gz_);
  }
  std::string out;
  while (out.empty()) {
    if (used_ >= gz_.size()) {
      if (!co_await fill()) {
        inflate_->finish();
        ended_ = true;
        co_return std::nullopt;
      }
    }
    // One slice of the chunk per trip to the blocking pool: its output is a
    // few hundred KiB at most (HTML inflates ~5-10x).
    auto step = [this, &out] {
      const std::size_t n = std::min(kSlice, gz_.size() - used_);
      inflate_->feed(std::string_view(gz_).substr(used_, n), [&out](std::string_view piece) { out.append(piece); });
      used_ += n;
    };
    co_await run_blocking(blocking_, std::move(step));
  }
  co_return out;
}

}  // namespace keel::reports
