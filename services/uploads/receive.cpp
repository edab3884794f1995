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

// Writes the slices on the blocking pool (disk I/O and hashing are not for io threads).
awaitable<void> write_slices(BlockingPool& blocking, Sink& sink, std::vector<std::string_view> slices) {
  auto job = [&sink, slices = std::move(slices)] {
    for (auto s : slices) {
      sink.file->write(s.data(), s.size());
      sink.hash.update(s);
    }
  };
  co_await run_blocking(blocking, std::move(job));
}

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

// The read buffer of one upload: KEEL_UPLOAD_CHUNK_KB, or the body's
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

awaitable<void> receive_raw(BodyReader& body, Sink& sink, const ReceiveLimits& limits, BlockingPool& blocking) {
  ChunkBuffer chunk(body, limits.chunk_bytes);
  for (;;) {
    std::size_t n = co_await fill(body, chunk.span());
    if (n == 0) break;
    std::string_view data(chunk.data.get(), n);
    count_or_refuse(sink, data, limits);
    std::vector<std::string_view> slices(1, data);
    co_await write_slices(blocking, sink, std::move(slices));
  }
}

// Fills r's filename, content type and metadata from the parts.
awaitable<void> receive_multipart(BodyReader& body, Sink& sink, const ReceiveLimits& limits, BlockingPool& blocking,
                                  const std::string& boundary, Received& r) {
  multipart::Parser parser(boundary);
  ChunkBuffer chunk(body, limits.chunk_bytes);
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
    std::size_t n = co_await fill(body, chunk.span());
    if (n == 0) break;
    body_bytes += n;
    if (body_bytes > body_cap) throw HttpError(413, "upload too large");
    std::vector<std::string_view> slices;
    handle(parser.feed(std::string_view(chunk.data.get(), n)), slices);
    if (!slices.empty()) co_await write_slices(blocking, sink, std::move(slices));
  }
  std::vector<std::string_view> tail;
  handle(parser.finish(), tail);
  if (!tail.empty()) co_await write_slices(blocking, sink, std::move(tail));
  if (!have_file) throw validation_error({ValidationIssue{{"body", "file"}, "Field required", "missing"}});
  if (r.content_type.empty()) r.content_type = "application/octet-stream";
}

}  // namespace

awaitable<Received> receive(BodyReader& body, const Framing& framing, const ReceiveLimits& limits,
                            const std::string& tmp_dir, BlockingPool& blocking) {
  Sink sink(tmp_dir);
  Received r;
  if (framing.boundary) {
    co_await receive_multipart(body, sink, limits, blocking, *framing.boundary, r);
  } else {
    r.filename = framing.filename;
    r.content_type = framing.content_type;
    co_await receive_raw(body, sink, limits, blocking);
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
