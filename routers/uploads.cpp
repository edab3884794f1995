#include "routers/uploads.hpp"

#include "http/validation.hpp"
#include "http/credentials.hpp"
#include "routers/schemas.hpp"
#include "services/audio/sniff.hpp"
#include "http/random_id.hpp"
#include "services/crypto/sha256.hpp"
#include "http/file/sender.hpp"
#include "http/file/content_disposition.hpp"
#include "services/multipart/parser.hpp"
#include "services/storage/storage.hpp"
#include "services/uploads/names.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

namespace keel {

namespace {

const std::vector<std::string> kUploadSecurity = {kBookingTokenScheme, kAdminKeyScheme, kAdminBearerScheme};
const std::vector<std::string> kAdminSecurity = {kAdminKeyScheme, kAdminBearerScheme};
// Multipart framing and metadata fields on top of the file itself.
constexpr std::uint64_t kMultipartOverhead = 8ull << 20;

// Who uploads: an admin (no booking) or a booking's token holder. Decided
// before any body byte is read.
awaitable<std::optional<std::int64_t>> upload_principal(Request& req, AppContext& ctx) {
  auto cred = presented_credential(req);
  if (!cred) {
    Headers h;
    h.set("WWW-Authenticate", "Bearer");
    throw HttpError(401, "Not authenticated", h);
  }
  ctx.require_db();
  if (req.is_admin) co_return std::nullopt;
  auto token = bearer_token(req);
  std::optional<std::int64_t> booking;
  if (token) booking = co_await ctx.bookings->id_for_token(sha256_hex(*token));
  if (!booking) throw HttpError(403, "these credentials do not allow uploads");
  co_return booking;
}

// The file being received: temp file + running SHA-256 + the sniffed head.
struct Sink {
  explicit Sink(const std::string& tmp_dir) : file(tmp_dir) {}
  storage::TempFile file;
  Sha256 hash;
  std::string head;  // first bytes, for audio sniffing
  std::uint64_t size = 0;
};

// Writes the slices on the blocking pool (disk I/O and hashing are not for io threads).
awaitable<void> write_slices(AppContext& ctx, Sink& sink, std::vector<std::string_view> slices) {
  auto job = [&sink, slices = std::move(slices)] {
    for (auto s : slices) {
      sink.file.write(s.data(), s.size());
      sink.hash.update(s);
    }
  };
  co_await run_blocking(ctx.blocking, std::move(job));
}

void account(Sink& sink, std::string_view slice, std::uint64_t cap, bool audio_only) {
  sink.size += slice.size();
  if (sink.size > cap) throw HttpError(413, "upload too large: the limit is " + std::to_string(cap >> 20) + " MiB");
  if (sink.head.size() < kSniffBytes) sink.head.append(slice.substr(0, kSniffBytes - sink.head.size()));
  if (audio_only && sink.head.size() >= kSniffBytes && !sniff_audio(sink.head))
    throw HttpError(415, "not an audio file (MP3, WAV, Ogg, FLAC, M4A/MP4 or WebM expected)");
}

// The read buffer of one upload: KEEL_UPLOAD_CHUNK_KB, or the body's
// Content-Length when that is smaller, and never zero-filled. (A zeroed
// 1 MiB vector per upload cost a fresh mmap and ~257 page faults even for a
// 4 KiB body: most of a small upload's CPU.)
struct ChunkBuffer {
  ChunkBuffer(const Request& req, std::size_t chunk_bytes) {
    std::size_t n = chunk_bytes;
    if (auto cl = req.body->content_length()) n = static_cast<std::size_t>(std::min<std::uint64_t>(*cl + 1, n));
    data.reset(new char[n]);
    size = n;
  }
  std::unique_ptr<char[]> data;
  std::size_t size = 0;
  std::span<char> span() { return {data.get(), size}; }
};

// Reads the body into `chunk` until it is full or the body ends.
awaitable<std::size_t> fill(Request& req, std::span<char> chunk) {
  std::size_t have = 0;
  while (have < chunk.size()) {
    std::size_t n = co_await req.body->read_some(std::span<char>(chunk.data() + have, chunk.size() - have));
    if (n == 0) break;
    have += n;
  }
  co_return have;
}

struct Received {
  std::string filename;
  std::string content_type;
  nlohmann::json metadata = nlohmann::json::object();
};

awaitable<Received> receive_raw(Request& req, AppContext& ctx, Sink& sink, bool audio_only) {
  Received r;
  r.filename = "upload";
  if (auto x = req.header("X-Filename")) {
    if (auto n = uploads::filename_from_x_filename(*x)) r.filename = *n;
  } else if (auto cd = req.header("Content-Disposition")) {
    if (auto n = uploads::filename_from_content_disposition(*cd)) r.filename = *n;
  }
  auto ct = req.header("Content-Type");
  r.content_type = ct && !ct->empty() ? std::string(*ct) : "application/octet-stream";
  ChunkBuffer chunk(req, ctx.config.upload_chunk_bytes);
  for (;;) {
    std::size_t n = co_await fill(req, chunk.span());
    if (n == 0) break;
    std::string_view data(chunk.data.get(), n);
    account(sink, data, ctx.config.max_upload_bytes, audio_only);
    std::vector<std::string_view> slices(1, data);
    co_await write_slices(ctx, sink, std::move(slices));
  }
  co_return r;
}

awaitable<Received> receive_multipart(Request& req, AppContext& ctx, Sink& sink, bool audio_only, std::string boundary) {
  Received r;
  multipart::Parser parser(std::move(boundary));
  ChunkBuffer chunk(req, ctx.config.upload_chunk_bytes);
  bool in_file = false, have_file = false;
  std::uint64_t body_bytes = 0;
  const std::uint64_t body_cap = ctx.config.max_upload_bytes + kMultipartOverhead;
  auto handle = [&](const multipart::Result& res, std::vector<std::string_view>& slices) {
    for (const auto& ev : res.events) {
      switch (ev.type) {
        case multipart::Event::part_begin:
          // The part named "file" is the upload; other file parts are ignored.
          if (ev.headers->name == "file" && !have_file) {
            in_file = have_file = true;
            r.filename = uploads::clean_filename(ev.headers->filename.value_or("upload"));
            r.content_type = ev.headers->content_type;
            if (!ev.headers->filename.has_value() && r.content_type == "text/plain") r.content_type = "text/plain";
          }
          break;
        case multipart::Event::file_data:
          if (in_file) {
            account(sink, ev.data, ctx.config.max_upload_bytes, audio_only);
            slices.push_back(ev.data);
          }
          break;
        case multipart::Event::part_end:
          in_file = false;
          break;
        case multipart::Event::field:
          if (ev.headers->name == "file" && !have_file) {
            // A "file" sent as a plain field (no filename): still the upload.
            have_file = true;
            r.filename = "upload";
            r.content_type = ev.headers->content_type;
            account(sink, ev.data, ctx.config.max_upload_bytes, audio_only);
            slices.push_back(ev.data);
          } else {
            r.metadata[ev.headers->name] = validation::valid_utf8(ev.data) ? std::string(ev.data) : std::string();
          }
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
    std::size_t n = co_await fill(req, chunk.span());
    if (n == 0) break;
    body_bytes += n;
    if (body_bytes > body_cap) throw HttpError(413, "upload too large");
    std::vector<std::string_view> slices;
    handle(parser.feed(std::string_view(chunk.data.get(), n)), slices);
    if (!slices.empty()) co_await write_slices(ctx, sink, std::move(slices));
  }
  std::vector<std::string_view> tail;
  handle(parser.finish(), tail);
  if (!tail.empty()) co_await write_slices(ctx, sink, std::move(tail));
  if (!have_file) throw validation_error({ValidationIssue{{"body", "file"}, "Field required", "missing"}});
  if (r.content_type.empty()) r.content_type = "application/octet-stream";
  co_return r;
}

nlohmann::json upload_json(const uploads::Upload& u) {
  return {{"id", u.id},
          {"filename", u.filename},
          {"content_type", u.content_type},
          {"size", u.size},
          {"sha256", u.sha256},
          {"url", "/api/uploads/" + u.id}};
}

awaitable<Response> handle_upload(Request& req, AppContext& ctx, bool audio_only) {
  auto booking = co_await upload_principal(req, ctx);
  auto slot = ctx.upload_slots.try_acquire();
  if (!slot) {
    Headers h;
    h.set("Retry-After", "5");
    throw HttpError(429, "too many uploads in progress, retry later", h);
  }
  std::optional<std::string> boundary;
  bool is_multipart = false;
  if (auto ct = req.header("Content-Type"); ct && ct->size() >= 19 && iequals(ct->substr(0, 19), "multipart/form-data")) {
    is_multipart = true;
    boundary = multipart::boundary_from_content_type(*ct);
    if (!boundary) throw HttpError(400, "multipart/form-data without a valid boundary parameter");
  }
  auto sink = std::make_unique<Sink>(ctx.storage.tmp_dir());
  // if/else, not ?: -- g++ 12 destroys the result of a co_await inside a
  // conditional expression twice.
  Received got;
  if (is_multipart) got = co_await receive_multipart(req, ctx, *sink, audio_only, *boundary);
  else got = co_await receive_raw(req, ctx, *sink, audio_only);
  if (audio_only) {
    auto kind = sniff_audio(sink->head);
    if (!kind) throw HttpError(415, "not an audio file (MP3, WAV, Ogg, FLAC, M4A/MP4 or WebM expected)");
    if (got.content_type.rfind("audio/", 0) != 0) got.content_type = *kind;
  }

  uploads::Upload u;
  u.id = random_id();
  u.booking_id = booking;
  u.filename = got.filename;
  u.content_type = got.content_type.substr(0, 255);
  u.size = sink->size;
  u.sha256 = sink->hash.finish_hex();
  u.storage_path = ctx.storage.final_path(u.id);
  if (!got.metadata.empty()) u.metadata_json = got.metadata.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  co_await run_blocking(ctx.blocking, [&] { sink->file.commit(u.storage_path); });
  std::exception_ptr failed;
  try {
    co_await ctx.uploads->insert(u);
  } catch (...) {
    failed = std::current_exception();
  }
  if (failed) {
    ::unlink(u.storage_path.c_str());  // no row, no file
    std::rethrow_exception(failed);
  }
  spdlog::info("upload {} stored: {} bytes, booking {}", u.id, u.size, booking ? std::to_string(*booking) : "none");
  Response r = Response::json(201, upload_json(u));
  r.headers.set("Location", "/api/uploads/" + u.id);
  co_return r;
}

nlohmann::json upload_schema() {
  using nlohmann::json;
  return {{"type", "object"},
          {"title", "Upload"},
          {"required", json::array({"id", "filename", "content_type", "size", "sha256", "url"})},
          {"properties",
           {{"id", {{"type", "string"}}},
            {"filename", {{"type", "string"}}},
            {"content_type", {{"type", "string"}}},
            {"size", {{"type", "integer"}}},
            {"sha256", {{"type", "string"}}},
            {"url", {{"type", "string"}}}}}};
}

RequestBodySpec upload_body(bool audio) {
  nlohmann::json form = {{"type", "object"},
                         {"required", nlohmann::json::array({"file"})},
                         {"properties", {{"file", {{"type", "string"}, {"format", "binary"}}}}},
                         {"additionalProperties", {{"type", "string"}}}};
  std::string raw_ct = audio ? "audio/*" : "application/octet-stream";
  return RequestBodySpec{{{"multipart/form-data", form}, {raw_ct, {{"type", "string"}, {"format", "binary"}}}},
                         true,
                         "Multipart with a `file` part (other fields are kept as metadata), or the raw bytes with "
                         "the name in X-Filename (percent-encoded UTF-8) or Content-Disposition."};
}

ParamSpec id_doc() {
  return ParamSpec{.name = "id", .in = "path", .schema = {{"type", "string"}}, .required = true,
                   .description = "Upload id (a capability: at least 128 random bits)"};
}

}  // namespace

void register_upload_routes(Router& router, AppContext& ctx) {
  using schemas::error_response;
  auto upload_errors = [](bool audio) {
    std::vector<ResponseSpec> r = {{201, "Stored", upload_schema()},
                                   error_response(400, "Malformed multipart body"),
                                   error_response(401, "No credentials"),
                                   error_response(403, "Credentials that grant no uploads"),
                                   error_response(413, "Over KEEL_MAX_UPLOAD_MB"),
                                   error_response(422, "No file part"),
                                   error_response(429, "Too many uploads in progress"),
                                   error_response(503, "Database unavailable")};
    if (audio) r.push_back(error_response(415, "Not audio"));
    return r;
  };
  RouteSpec up{.method = "POST", .path = "/api/uploads", .summary = "Upload a file",
               .description = "Streamed to disk in 1-2 MiB pieces with SHA-256 computed on the way; attached to "
                              "the booking whose token is presented.",
               .tag = "uploads", .operation_id = "upload_file", .body = BodyKind::stream,
               .request_body = upload_body(false), .responses = upload_errors(false), .security = kUploadSecurity};
  router.add(up, [&ctx](Request& req) { return handle_upload(req, ctx, false); });

  RouteSpec audio = up;
  audio.path = "/api/uploads/audio";
  audio.summary = "Upload an audio file";
  audio.description = "As /api/uploads, accepted only when the first bytes are MP3, WAV, Ogg, FLAC, M4A/MP4 or WebM.";
  audio.operation_id = "upload_audio";
  audio.request_body = upload_body(true);
  audio.responses = upload_errors(true);
  router.add(audio, [&ctx](Request& req) { return handle_upload(req, ctx, true); });

  RouteSpec down{.method = "GET", .path = "/api/uploads/{id}", .summary = "Download an upload",
                 .description = "Range (single and multiple), ETag (the SHA-256), conditional requests, HEAD. "
                                "The URL is the capability: no credentials needed.",
                 .tag = "uploads", .operation_id = "download_upload", .params = {id_doc()}};
  down.responses = {{200, "The file", {{"type", "string"}, {"format", "binary"}}, "application/octet-stream"},
                    {206, "Part of the file", {{"type", "string"}, {"format", "binary"}}, "application/octet-stream"},
                    {304, "Not modified", nullptr, ""},
                    error_response(404, "No such upload"),
                    error_response(412, "Precondition failed"),
                    error_response(416, "Range not satisfiable")};
  router.add(down, [&ctx](Request& req) -> awaitable<Response> {
    std::string id(req.path_param("id"));
    if (!uploads::valid_upload_id(id)) throw HttpError(404, "upload not found");
    ctx.require_db();
    auto u = co_await ctx.uploads->get(id);
    if (!u) throw HttpError(404, "upload not found");
    int fd = ::open(u->storage_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      spdlog::error("upload {} has a row but no file at {}", id, u->storage_path);
      throw HttpError(404, "upload not found");
    }
    auto file = std::make_shared<OpenFile>(fd);
    struct stat st {};
    ::fstat(fd, &st);
    const std::string etag = "\"" + u->sha256 + "\"";
    const std::string disposition = http_file::content_disposition_attachment(u->filename);
    file_sender::FileInfo info;
    info.size = static_cast<std::uint64_t>(st.st_size);
    info.etag = etag;
    info.last_modified = u->created_at;
    info.content_type = u->content_type;
    info.cache_control = "private, max-age=86400";
    info.content_disposition = disposition;
    co_return file_sender::serve(req, std::move(file), info);
  });

  RouteSpec del{.method = "DELETE", .path = "/api/uploads/{id}", .summary = "Delete an upload",
                .description = "Removes the file and its row; downloads already in flight finish.",
                .tag = "uploads", .operation_id = "delete_upload", .params = {id_doc()}, .security = kAdminSecurity};
  del.responses = {{204, "Deleted", nullptr, ""},
                   error_response(401, "No admin key"),
                   error_response(403, "Wrong admin key"),
                   error_response(404, "No such upload"),
                   error_response(503, "Admin access not configured, or the database is unavailable")};
  router.add(del, [&ctx](Request& req) -> awaitable<Response> {
    std::string id(req.path_param("id"));
    if (!uploads::valid_upload_id(id)) throw HttpError(404, "upload not found");
    ctx.require_db();
    auto u = co_await ctx.uploads->remove(id);
    if (!u) throw HttpError(404, "upload not found");
    // An open download keeps its descriptor: unlinking does not cut it short.
    auto job = [path = u->storage_path] { ::unlink(path.c_str()); };
    co_await run_blocking(ctx.blocking, std::move(job));
    co_return Response::empty(204);
  });
}

}  // namespace keel
