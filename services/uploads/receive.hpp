#pragma once
// Receiving an upload: the request body streamed into a temp file under
// DATA_DIR/tmp in bounded chunks, hashed on the way, and refused while it
// arrives -- over the size cap (413) or, for audio, as soon as its first
// bytes are not audio (415) -- so a refused upload is never read whole.
// Disk writes and hashing run on the blocking pool.
#include "http/blocking.hpp"
#include "http/http.hpp"
#include "services/storage/storage.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace keel::uploads {

struct ReceiveLimits {
  std::uint64_t max_file_bytes = 0;  // KEEL_MAX_UPLOAD_MB
  std::size_t chunk_bytes = 0;       // KEEL_UPLOAD_CHUNK_KB, or the body's length when that is smaller
  bool audio_only = false;
};

// How the body is framed: multipart/form-data when `boundary` is set (the
// upload is the part named "file", other fields become metadata), else the
// raw bytes, named and typed by the request's headers.
struct Framing {
  std::optional<std::string> boundary;
  std::string filename = "upload";                        // raw bodies
  std::string content_type = "application/octet-stream";  // raw bodies
};

// A received file, still in its temp file: removed when this goes unless stored.
struct Received {
  std::string filename;
  std::string content_type;  // for audio, the sniffed type unless the client sent an audio/* one
  nlohmann::json metadata = nlohmann::json::object();
  std::uint64_t size = 0;
  std::string sha256;  // hex
  std::unique_ptr<storage::TempFile> file;
};

// Reads the whole body. Throws HttpError: 413 (the file over
// max_file_bytes, a multipart body over that plus framing, a field too
// large), 415 (audio_only and not audio), 400 (malformed multipart), 422
// (multipart without a "file" part); and whatever reading the body throws.
awaitable<Received> receive(BodyReader& body, const Framing& framing, const ReceiveLimits& limits,
                            const std::string& tmp_dir, BlockingPool& blocking);

}  // namespace keel::uploads
