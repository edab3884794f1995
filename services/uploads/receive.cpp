#include "services/uploads/receive.hpp"

#include "http/body_chunks.hpp"
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

// The chunk size of one upload: KEEL_UPLOAD_CHUNK_KB, or the body's
// Content-Length (+1, to see its end) when that is smaller.
std::size_t chunk_size(const BodyReader& body, std::size_t chunk_bytes) {
  if (auto cl = body.content_length()) return static_cast<std::size_t>(std::min<std::uint64_t>(*cl + 1, chunk_bytes));
  return chunk_bytes;
}

// Hashes and writes slices (views into the chunk just read, or into the
// parser's buffer, which stays put until the next settle()) on the blocking
// pool while the next chunk is read. The job shares the sink, so an upload
// that ends early never frees it under the job.
awaitable<void> write_behind(DoubleBuffer& chunks, BlockingPool& blocking, const std::shared_ptr<Sink>& sink,
                             std::vector<std::string_view> slices) {
  auto job = [sink, slices = std::move(slices)] {
    for (auto s : slices) {
      sink->file->write(s.data(), s.size());
      sink->hash.update(s);
    }
  };
  co_await chunks.hand_off(blocking, std::move(job));
}

awaitable<void> receive_raw(BodyReader& body, const std::shared_ptr<Sink>& sink, DoubleBuffer& chunks,
                            const ReceiveLimits& limits, BlockingPool& blocking) {
  while (!body.done()) {
    std::span<char> chunk = chunks.next();
    std::size_t n = co_await read_full(body, chunk);
    if (n == 0) break;
    std::string_view data(chunk.data(), n);
    count_or_refuse(*sink, data, limits);
    std::vector<std::string_view> slices(1, data);
    co_await write_behind(chunks, blocking, sink, std::move(slices));
  }
  co_await chunks.settle();
}

// Fills r's filename, content type and metadata from the parts.
awaitable<void> receive_multipart(BodyReader& body, const std::shared_ptr<Sink>& sink_ptr, DoubleBuffer& chunks,
                                  const ReceiveLimits& limits, BlockingPool& blocking, const std::string& boundary,
                                  Received& r) {
  Sink& sink = *sink_ptr;
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
  while (!body.done()) {
    std::span<char> chunk = chunks.next();
    std::size_t n = co_await read_full(body, chunk);
    if (n == 0) break;
    body_bytes += n;
    if (body_bytes > body_cap) throw HttpError(413, "upload too large");
    // The parser may hand out bytes it held back from the chunk before
    // (a possible boundary) from its own buffer, which feed() reuses: the
    // write of the chunk before ends first.
    co_await chunks.settle();
    std::vector<std::string_view> slices;
    handle(parser.feed(std::string_view(chunk.data(), n)), slices);
    if (!slices.empty()) co_await write_behind(chunks, blocking, sink_ptr, std::move(slices));
  }
  co_await chunks.settle();
  std::vector<std::string_view> tail;
  handle(parser.finish(), tail);
  if (!tail.empty()) co_await write_behind(chunks, blocking, sink_ptr, std::move(tail));
  co_await chunks.settle();
  if (!have_file) throw validation_error({ValidationIssue{{"body", "file"}, "Field required", "missing"}});
  if (r.content_type.empty()) r.content_type = "application/octet-stream";
}

}  // namespace

awaitable<Received> receive(BodyReader& body, const Framing& framing, const ReceiveLimits& limits,
                            const std::string& tmp_dir, BlockingPool& blocking) {
  auto sink_ptr = std::make_shared<Sink>(tmp_dir);
  Sink& sink = *sink_ptr;
  DoubleBuffer chunks(chunk_size(body, limits.chunk_bytes));
  Received r;
  std::exception_ptr failed;
  try {
    if (framing.boundary) {
      co_await receive_multipart(body, sink_ptr, chunks, limits, blocking, *framing.boundary, r);
    } else {
      r.filename = framing.filename;
      r.content_type = framing.content_type;
      co_await receive_raw(body, sink_ptr, chunks, limits, blocking);
    }
  } catch (...) { failed = std::current_exception(); }
  if (failed) {
    co_await chunks.abandon();
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
