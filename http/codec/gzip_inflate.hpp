#pragma once
// A gzip stream inflated as it arrives (zlib), in bounded output pieces.
// Concatenated gzip members are one stream, as gunzip reads them.
#include <cstddef>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string_view>

namespace keel {

struct GzipError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class GzipInflate {
 public:
  static constexpr std::size_t kPiece = 256 << 10;
  using Sink = std::function<void(std::string_view)>;

  GzipInflate();
  ~GzipInflate();
  GzipInflate(const GzipInflate&) = delete;
  GzipInflate& operator=(const GzipInflate&) = delete;

  // Inflates `in`, handing each output piece (at most kPiece bytes) to
  // `sink`. Throws GzipError on a broken stream.
  void feed(std::string_view in, const Sink& sink);
  // The input ended: throws GzipError when it stopped inside a member (or
  // held no member at all).
  void finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace keel
