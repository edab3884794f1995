#pragma once
// gzip (RFC 1952) as a stream: bytes in, compressed bytes out, piece by
// piece, with a fixed working set. Used for data pages sent with
// Content-Encoding: gzip.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace keel::compress {

class GzipEncoder {
 public:
  // Level 1, as nginx's gzip_comp_level defaults to: JSON shrinks ~5x at a
  // fraction of level 6's CPU. An 8 KiB window and memLevel 6 keep zlib's
  // state near 64 KiB per stream (the default 15/8 takes 256 KiB) -- dozens
  // of records, which is where JSON Lines repeat themselves.
  static constexpr int kLevel = 1;
  static constexpr int kWindowBits = 13;
  static constexpr int kMemLevel = 6;

  GzipEncoder();
  ~GzipEncoder();
  GzipEncoder(const GzipEncoder&) = delete;
  GzipEncoder& operator=(const GzipEncoder&) = delete;

  // Compresses `in` and appends what zlib emits to `out`; `last` ends the
  // stream (trailer included). Throws std::runtime_error on a zlib failure.
  void encode(std::string_view in, bool last, std::string& out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace keel::compress
