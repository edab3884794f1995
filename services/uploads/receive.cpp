#include "services/uploads/receive.hpp"

#include "http/text/utf8.hpp"
#include "services/audio/sniff.hpp"
#include "services/crypto/sha256.hpp"
#include "services/multipart/parser.hpp"
#include "services/uploads/names.hpp"

#include <algorithm>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace keel::uploads {

namespace {

// Multipart framing and metadata fields on top of the file itself.
constexpr std::uint64_t kMultipartOverhead = 8ull << 20;
constexpr const char* kNotAudio = "not an audio file (MP3, WAV, Ogg, FLAC, M4A/MP4 or WebM expected)";

// The file being received: temp file + running SHA-256 + the sniffed head.
struct Sink {
  explicit Sink(const std::string& tmp_dir) : file(std::make_unique<storage::TempFile>(tmp_dir)) {}
  std::unique_ptr<storage::TempFile> file;
  Sha256 hash;
  std::string head;  // first bytes, for audio sniffing
  std::uint64_t size = 0;
};


// Counts a slice of the file and keeps the first bytes for sniffing; refuses
// the upload once it is over the cap (413) or, for audio, once enough first
// bytes are in and they are not audio (415).
void count_or_refuse(Sink& sink, std::string_view slice, const ReceiveLimits& limits) {
  sink.size += slice.size();
  if (sink.size > limits.max_file_bytes)
    throw HttpError(413, "upload too large: the limit is " + std::to_string(limits.max_file_bytes >> 20) + " MiB");
  if (sink.head.size() < kSniffBytes) sink.head.append(slice.substr(0, kSniffBytes - sink.head.size()));
  if (limits.audio_only && sink.head.size() >= kSniffBytes && !sniff_audio(sink.head)) throw HttpError(415, kNotAudio);
}

// A read buffer of one upload: KEEL_UPLOAD_CHUNK_KB, or the body's
// Content-Length when that is smaller, and never zero-filled. (A zeroed
// 1 MiB vector per upload cost a fresh mmap and ~257 page faults even for a
// 4 KiB body: most of a small upload's CPU.)
struct ChunkBuffer {
  ChunkBuffer(const BodyReader& body, std::size_t chunk_bytes) {
    std::size_t n = chunk_bytes;
    if (auto cl = body.content_length()) n = static_cast<std::size_t>(std::min<std::uint64_t>(*cl + 1, n));
    data.reset(new char[n]);
    size = n;
  }
  std::unique_ptr<char[]> data;
  std::size_t size = 0;
  std::span<char> span() { return {data.get(), size}; }
};

// Double buffering: chunk N is hashed and written on the blocking pool while
// chunk N+1 is read from the socket, so reading, hashing and writing overlap
// instead of taking turns. Two buffers per upload; the second is allocated
// only when the body does not fit the first. The job shares the sink and
// the buffer it writes, so an upload that ends early (a 413, a client gone)
// never frees them under it.
class Writer {
 public:
  Writer(BlockingPool& blocking, std::shared_ptr<Sink> sink, const BodyReader& body, std::size_t chunk_bytes)
      : blocking_(blocking), sink_(std::move(sink)), body_(body), chunk_bytes_(chunk_bytes) {
    buffers_[0] = std::make_shared<ChunkBuffer>(body, chunk_bytes);
  }
  // The buffer to read into next (never the one being written).
  ChunkBuffer& next() {
    if (!buffers_[cur_]) buffers_[cur_] = std::make_shared<ChunkBuffer>(body_, chunk_bytes_);
    return *buffers_[cur_];
  }
  // Waits for the write started last; rethrows its failure.
  awaitable<void> settle() {
    if (auto e = co_await job_.wait()) std::rethrow_exception(e);
  }
  // Waits for it when the upload failed: its temp file is gone by the time
  // the error is answered.
  awaitable<void> abandon() { co_await job_.wait(); }
  // Starts writing slices (views into next(), or into memory that stays put
  // until settle()) and hashing them; next() is the other buffer from now.
  awaitable<void> start(std::vector<std::string_view> slices) {
    co_await settle();
    auto job = [sink = sink_, keep = buffers_[cur_], slices = std::move(slices)] {
      for (auto s : slices) {
        sink->file->write(s.data(), s.size());
        sink->hash.update(s);
      }
    };
    job_.start(blocking_, co_await boost::asio::this_coro::executor, std::move(job));
    cur_ ^= 1;
  }

 private:
  BlockingPool& blocking_;
  std::shared_ptr<Sink> sink_;
  const BodyReader& body_;
  std::size_t chunk_bytes_;
  std::shared_ptr<ChunkBuffer> buffers_[2];
  unsigned cur_ = 0;
  BackgroundJob job_;
};

// Reads the body into `chunk` until it is full or the body ends.
awaitable<std::size_t> fill(BodyReader& body, std::span<char> chunk) {
  std::size_t have = 0;
  while (have < chunk.size()) {
    std::size_t n = co_await body.read_some(std::span<char>(chunk.data() + have, chunk.size() - have));
    if (n == 0) break;
    have += n;
  }
  co_return have;
}

awaitable<void> receive_raw(BodyReader& body, Sink& sink, Writer& writer, const ReceiveLimits& limits) {
  for (;;) {
    ChunkBuffer& chunk = writer.next();
    std::size_t n = co_await fill(body, chunk.span());
    if (n == 0) break;
    std::string_view data(chunk.data.get(), n);
    count_or_refuse(sink, data, limits);
    std::vector<std::string_view> slices(1, data);
    co_await writer.start(std::move(slices));
  }
  co_await writer.settle();
}

// Fills r's filename, content type and metadata from the parts.
awaitable<void> receive_multipart(BodyReader& body, Sink& sink, Writer& writer, const ReceiveLimits& limits,
                                  const std::string& boundary, Received& r) {
  multipart::Parser parser(boundary);
  bool in_file = false, have_file = false;
  std::uint64_t body_bytes = 0;
  const std::uint64_t body_cap = limits.max_file_bytes + kMultipartOverhead;
  auto handle = [&](const multipart::Result& res, std::vector<std::string_view>& slices) {
    for (const auto& ev : res.events) {
      switch (ev.type) {
        case multipart::Event::part_begin:
          // The first part named "file" is the upload, with or without a
          // filename (the parser streams both); other file parts are ignored.
          if (ev.headers->name == "file" && !have_file) {
            in_file = have_file = true;
            r.filename = clean_filename(ev.headers->filename.value_or("upload"));
            r.content_type = ev.headers->content_type;
          }
          break;
        case multipart::Event::file_data:
          if (in_file) {
            count_or_refuse(sink, ev.data, limits);
            slices.push_back(ev.data);
          }
          break;
        case multipart::Event::part_end:
          in_file = false;
          break;
        case multipart::Event::field:
          // Never a part named "file": those arrive as part_begin above.
          r.metadata[ev.headers->name] = text::valid_utf8(ev.data) ? std::string(ev.data) : std::string();
          break;
        case multipart::Event::done:
          break;
      }
    }
    if (res.error) {
      int status = res.error->kind == multipart::ErrorKind::field_too_large ? 413 : 400;
      throw HttpError(status, res.error->detail);
    }
  };
  for (;;) {
    ChunkBuffer& chunk = writer.next();
    std::size_t n = co_await fill(body, chunk.span());
    if (n == 0) break;
    body_bytes += n;
    if (body_bytes > body_cap) throw HttpError(413, "upload too large");
    // The parser may hand out bytes it held back from the chunk before
    // (a possible boundary) from its own buffer, which feed() reuses: the
    // write of the chunk before ends first.
    co_await writer.settle();
    std::vector<std::string_view> slices;
    handle(parser.feed(std::string_view(chunk.data.get(), n)), slices);
    if (!slices.empty()) co_await writer.start(std::move(slices));
  }
  co_await writer.settle();
  std::vector<std::string_view> tail;
  handle(parser.finish(), tail);
  if (!tail.empty()) co_await writer.start(std::move(tail));
  co_await writer.settle();
  if (!have_file) throw validation_error({ValidationIssue{{"body", "file"}, "Field required", "missing"}});
  if (r.content_type.empty()) r.content_type = "application/octet-stream";
}

}  // namespace

awaitable<Received> receive(BodyReader& body, const Framing& framing, const ReceiveLimits& limits,
                            const std::string& tmp_dir, BlockingPool& blocking) {
  auto sink_ptr = std::make_shared<Sink>(tmp_dir);
  Sink& sink = *sink_ptr;
  Writer writer(blocking, sink_ptr, body, limits.chunk_bytes);
  Received r;
  std::exception_ptr failed;
  try {
    if (framing.boundary) {
      co_await receive_multipart(body, sink, writer, limits, *framing.boundary, r);
    } else {
      r.filename = framing.filename;
      r.content_type = framing.content_type;
      co_await receive_raw(body, sink, writer, limits);
    }
  } catch (...) { failed = std::current_exception(); }
  if (failed) {
    co_await writer.abandon();
    std::rethrow_exception(failed);
  }
  if (limits.audio_only) {
    auto kind = sniff_audio(sink.head);
    if (!kind) throw HttpError(415, kNotAudio);
    if (r.content_type.rfind("audio/", 0) != 0) r.content_type = *kind;
  }
  r.size = sink.size;
  r.sha256 = sink.hash.finish_hex();
  r.file = std::move(sink.file);
  co_return r;
}

}  // namespace keel::uploads
