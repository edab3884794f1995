#include "routers/uploads.hpp"

#include "http/credentials.hpp"
#include "http/file/content_disposition.hpp"
#include "http/file/sender.hpp"
#include "http/text/ascii.hpp"
#include "routers/schemas.hpp"
#include "services/crypto/sha256.hpp"
#include "services/multipart/parser.hpp"
#include "services/uploads/names.hpp"
#include "services/uploads/receive.hpp"
#include "services/uploads/store.hpp"

#include <spdlog/spdlog.h>

namespace keel {

namespace {

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

// How the body comes, from its headers: multipart (400 without a valid
// boundary), or raw bytes named by X-Filename (percent-encoded UTF-8) or
// Content-Disposition and typed by Content-Type.
uploads::Framing framing_of(const Request& req) {
  uploads::Framing f;
  auto ct = req.header("Content-Type");
  if (ct && text::istarts_with(*ct, "multipart/form-data")) {
    f.boundary = multipart::boundary_from_content_type(*ct);
    if (!f.boundary) throw HttpError(400, "multipart/form-data without a valid boundary parameter");
    return f;
  }
  if (auto x = req.header("X-Filename")) {
    if (auto n = uploads::filename_from_x_filename(*x)) f.filename = *n;
  } else if (auto cd = req.header("Content-Disposition")) {
    if (auto n = uploads::filename_from_content_disposition(*cd)) f.filename = *n;
  }
  if (ct && !ct->empty()) f.content_type = std::string(*ct);
  return f;
}

nlohmann::json upload_json(const uploads::Upload& u) {
  return {{"id", u.id},     {"filename", u.filename}, {"content_type", u.content_type},
          {"size", u.size}, {"sha256", u.sha256},     {"url", "/api/uploads/" + u.id}};
}

awaitable<Response> handle_upload(Request& req, AppContext& ctx, bool audio_only) {
  auto booking = co_await upload_principal(req, ctx);
  auto slot = ctx.upload_slots.try_acquire();
  if (!slot) {
    Headers h;
    h.set("Retry-After", "5");
    throw HttpError(429, "too many uploads in progress, retry later", h);
  }
  const uploads::Framing framing = framing_of(req);
  const uploads::ReceiveLimits limits{.max_file_bytes = ctx.config.max_upload_bytes,
                                      .chunk_bytes = ctx.config.upload_chunk_bytes,
                                      .audio_only = audio_only};
  uploads::Received got = co_await uploads::receive(*req.body, framing, limits, ctx.storage.tmp_dir(), ctx.blocking);
  uploads::Upload u = co_await uploads::store(got, booking, ctx.storage, *ctx.uploads, ctx.blocking);
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
  return ParamSpec{.name = "id",
                   .in = "path",
                   .schema = {{"type", "string"}},
                   .required = true,
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
  RouteSpec up{.method = "POST",
               .path = "/api/uploads",
               .summary = "Upload a file",
               .description =
                   "Streamed to disk in 1-2 MiB pieces with SHA-256 computed on the way; attached to "
                   "the booking whose token is presented.",
               .tag = "uploads",
               .operation_id = "upload_file",
               .body = BodyKind::stream,
               .request_body = upload_body(false),
               .responses = upload_errors(false),
               .security = schemas::booking_security()};
  router.add(up, [&ctx](Request& req) { return handle_upload(req, ctx, false); });

  RouteSpec audio = up;
  audio.path = "/api/uploads/audio";
  audio.summary = "Upload an audio file";
  audio.description = "As /api/uploads, accepted only when the first bytes are MP3, WAV, Ogg, FLAC, M4A/MP4 or WebM.";
  audio.operation_id = "upload_audio";
  audio.request_body = upload_body(true);
  audio.responses = upload_errors(true);
  router.add(audio, [&ctx](Request& req) { return handle_upload(req, ctx, true); });

  RouteSpec down{.method = "GET",
                 .path = "/api/uploads/{id}",
                 .summary = "Download an upload",
                 .description =
                     "Range (single and multiple), ETag (the SHA-256), conditional requests, HEAD. "
                     "The URL is the capability: no credentials needed.",
                 .tag = "uploads",
                 .operation_id = "download_upload",
                 .params = {id_doc()}};
  down.responses = schemas::file_responses("No such upload");
  router.add(down, [&ctx](Request& req) -> awaitable<Response> {
    std::string id(req.path_param("id"));
    if (!uploads::valid_upload_id(id)) throw HttpError(404, "upload not found");
    ctx.require_db();
    auto u = co_await ctx.uploads->get(id);
    if (!u) throw HttpError(404, "upload not found");
    std::optional<storage::OpenedFile> f = uploads::open_file(*u);
    if (!f) throw HttpError(404, "upload not found");
    const std::string etag = "\"" + u->sha256 + "\"";
    const std::string disposition = http_file::content_disposition_attachment(u->filename);
    file_sender::FileInfo info;
    info.size = f->size;
    info.etag = etag;
    info.last_modified = u->created_at;
    info.content_type = u->content_type;
    info.cache_control = "private, max-age=86400";
    info.content_disposition = disposition;
    co_return file_sender::serve(req, std::move(f->file), info);
  });

  RouteSpec del{.method = "DELETE",
                .path = "/api/uploads/{id}",
                .summary = "Delete an upload",
                .description = "Removes the file and its row; downloads already in flight finish.",
                .tag = "uploads",
                .operation_id = "delete_upload",
                .params = {id_doc()},
                .security = schemas::admin_security()};
  del.responses = schemas::admin_responses({{204, "Deleted", nullptr, ""}, error_response(404, "No such upload")});
  router.add(del, [&ctx](Request& req) -> awaitable<Response> {
    std::string id(req.path_param("id"));
    if (!uploads::valid_upload_id(id)) throw HttpError(404, "upload not found");
    ctx.require_db();
    // A download in flight keeps its descriptor: removing does not cut it short.
    bool removed = co_await uploads::remove(id, *ctx.uploads, ctx.blocking);
    if (!removed) throw HttpError(404, "upload not found");
    co_return Response::empty(204);
  });
}

}  // namespace keel
