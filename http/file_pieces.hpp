#pragma once
// Splits a byte range of a file into bounded pieces (64 KiB by default):
// the server hands each piece to sendfile(2), so a download never needs a
// user-space buffer and never moves more than one piece per call.
#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace keel {

inline constexpr std::size_t kFilePiece = 64 * 1024;

class PieceCursor {
 public:
  PieceCursor(std::uint64_t offset, std::uint64_t length, std::size_t piece = kFilePiece)
      : offset_(offset), left_(length), piece_(piece) {}
  bool done() const { return left_ == 0; }
  std::uint64_t offset() const { return offset_; }
  std::uint64_t left() const { return left_; }
  // Length of the next piece: at most `piece`, never past the range.
  std::size_t next() const { return static_cast<std::size_t>(std::min<std::uint64_t>(left_, piece_)); }
  // Records that n bytes (n <= next()) went out.
  void advance(std::size_t n) {
    offset_ += n;
    left_ -= n;
  }

 private:
  std::uint64_t offset_;
  std::uint64_t left_;
  std::size_t piece_;
};

}  // namespace keel
