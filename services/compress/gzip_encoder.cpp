#include "services/compress/gzip_encoder.hpp"

#include <zlib.h>

#include <stdexcept>

namespace keel::compress {

struct GzipEncoder::Impl {
  z_stream z{};
  bool done = false;
};

GzipEncoder::GzipEncoder() : impl_(std::make_unique<Impl>()) {
  // windowBits + 16: a gzip header and trailer instead of zlib's.
  if (deflateInit2(&impl_->z, kLevel, Z_DEFLATED, kWindowBits + 16, kMemLevel, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("gzip: deflateInit2 failed");
}

GzipEncoder::~GzipEncoder() { deflateEnd(&impl_->z); }

void GzipEncoder::encode(std::string_view in, bool last, std::string& out) {
  if (impl_->done) throw std::runtime_error("gzip: stream already ended");
  z_stream& z = impl_->z;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  const int flush = last ? Z_FINISH : Z_NO_FLUSH;
  for (;;) {
    const std::size_t have = out.size();
    const std::size_t room = deflateBound(&z, z.avail_in) + 64;
    out.resize(have + room);
    z.next_out = reinterpret_cast<Bytef*>(out.data() + have);
    z.avail_out = static_cast<uInt>(room);
    const int rc = deflate(&z, flush);
    out.resize(have + (room - z.avail_out));
    if (rc == Z_STREAM_END) {
      impl_->done = true;
      return;
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) throw std::runtime_error("gzip: deflate failed");
    if (!last && z.avail_in == 0 && z.avail_out != 0) return;
  }
}

}  // namespace keel::compress
