#include "http/codec/gzip_inflate.hpp"

#include <zlib.h>

#include <string>

namespace keel {

struct GzipInflate::Impl {
  z_stream z{};
  std::string out = std::string(kPiece, '\0');
  bool in_member = false;    // inside a member (header seen, end not yet)
  bool any_member = false;   // at least one member ended
};

GzipInflate::GzipInflate() : impl_(std::make_unique<Impl>()) {
  if (inflateInit2(&impl_->z, 16 + MAX_WBITS) != Z_OK) throw std::bad_alloc();
}

GzipInflate::~GzipInflate() { inflateEnd(&impl_->z); }

void GzipInflate::feed(std::string_view in, const Sink& sink) {
  auto& s = *impl_;
  s.z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  s.z.avail_in = static_cast<uInt>(in.size());
  // A full output piece may leave more output pending with no input left.
  bool full = false;
  while (s.z.avail_in > 0 || full) {
    if (!s.in_member) {
      if (s.any_member && inflateReset(&s.z) != Z_OK) throw GzipError("invalid gzip body");
      s.in_member = true;
    }
    s.z.next_out = reinterpret_cast<Bytef*>(s.out.data());
    s.z.avail_out = static_cast<uInt>(s.out.size());
    int rc = inflate(&s.z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) throw GzipError("invalid gzip body");
    const std::size_t produced = s.out.size() - s.z.avail_out;
    full = s.z.avail_out == 0;
    if (produced > 0) sink(std::string_view(s.out.data(), produced));
    if (rc == Z_STREAM_END) {
      s.in_member = false;
      s.any_member = true;
      full = false;
    } else if (rc == Z_BUF_ERROR && produced == 0 && s.z.avail_in > 0) {
      throw GzipError("invalid gzip body");  // no progress possible
    }
  }
}

void GzipInflate::finish() {
  if (impl_->in_member || !impl_->any_member) throw GzipError("invalid gzip body");
}

}  // namespace keel
