#include "routers/idempotency.hpp"

#include "http/credentials.hpp"
#include "http/string_body.hpp"
#include "routers/schemas.hpp"
#include "services/idempotency/rules.hpp"
#include "services/idempotency/seal.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <exception>
#include <optional>

namespace keel {

namespace {

namespace idem = idempotency;

// What of an answer is stored and replayed besides its status and body.
constexpr std::array<std::string_view, 3> kKeptHeaders = {"Content-Type", "Location", "WWW-Authenticate"};

std::uint64_t body_cap(const Request& req, const AppContext& ctx) {
  std::uint64_t cap = ctx.config.max_body_bytes;
  if (req.route && req.route->spec.max_body_bytes != 0 && req.route->spec.max_body_bytes < cap)
    cap = req.route->spec.max_body_bytes;
  return cap;
}

HttpError key_invalid() {
  return validation_error({{{"header", std::string(kIdempotencyKeyHeader)},
                            "Idempotency-Key must be 1 to 255 visible ASCII characters",
                            "idempotency_key_invalid"}});
}

HttpError key_reused() {
  return validation_error({{{"header", std::string(kIdempotencyKeyHeader)},
                            "Idempotency-Key was already used with a different request",
                            "idempotency_key_reused"}});
}

HttpError in_progress() {
  Headers h;
  h.set("Retry-After", "1");
  return HttpError(409, "request with this Idempotency-Key in progress", h);
}

// The answer as stored (before sealing): only string bodies, only when small.
std::optional<std::string> serialize(const Response& r) {
  const auto* body = std::get_if<std::string>(&r.body);
  if (!body) return std::nullopt;
  nlohmann::json headers = nlohmann::json::array();
  for (std::string_view name : kKeptHeaders)
    if (auto v = r.headers.get(name)) headers.push_back({name, *v});
  std::string out = nlohmann::json{{"status", r.status}, {"headers", headers}, {"body", *body}}.dump(
      -1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (out.size() > idem::kMaxStoredAnswerBytes) return std::nullopt;
  return out;
}

Response replayed(const std::string& plain) {
  auto j = nlohmann::json::parse(plain);
  Response r;
  r.status = j.at("status").get<int>();
  for (const auto& h : j.at("headers")) r.headers.set(h.at(0).get<std::string>(), h.at(1).get<std::string>());
  r.body = j.at("body").get<std::string>();
  r.headers.set(kIdempotentReplayedHeader, "true");
  return r;
}

// The key must be freed however the run failed; a failure to free it only
// leaves the row to be taken over later.
awaitable<void> release(AppContext& ctx, const Sha256Digest& lookup, const std::string& run) {
  try {
    co_await ctx.idempotency->abandon(lookup, run);
  } catch (const std::exception& e) { spdlog::warn("idempotency: could not free a key: {}", e.what()); }
}

}  // namespace

std::string booking_credential_scope(const Request& req) {
  if (auto cred = presented_credential(req)) return idem::credential_scope(*cred);
  return std::string(idem::kAnonymousScope);
}

awaitable<Response> idempotent(Request& req, AppContext& ctx, std::string_view credential_scope,
                               std::function<awaitable<Response>()> handler) {
  auto header = req.header(kIdempotencyKeyHeader);
  if (!header) co_return co_await handler();
  const std::string key(*header);
  if (!idem::valid_key(key)) throw key_invalid();
  ctx.require_db();
  const std::string scope(credential_scope);

  // The body is hashed, then handed to the handler from memory.
  const std::string body = co_await read_body_capped(req, body_cap(req, ctx));
  StringBody held(body);
  struct Restore {
    Request& req;
    BodyReader* original;
    ~Restore() { req.body = original; }
  } restore{req, req.body};
  if (req.body) req.body = &held;

  const Sha256Digest lookup = idem::lookup_hash(scope, key);
  const std::string aad(reinterpret_cast<const char*>(lookup.data()), lookup.size());
  const std::chrono::hours ttl(ctx.config.idempotency_ttl_h);
  idem::Begun begun =
      co_await ctx.idempotency->begin(lookup, idem::request_hash(scope, req.method, req.path, body), ttl);
  switch (begun.decision) {
    case idem::Decision::replay: {
      auto plain = idem::open(idem::derive_answer_key(key, scope), aad, begun.sealed_answer);
      if (!plain) throw std::runtime_error("idempotency: a stored answer does not open");
      co_return replayed(*plain);
    }
    case idem::Decision::mismatch:
      throw key_reused();
    case idem::Decision::in_progress:
      throw in_progress();
    case idem::Decision::run:
    case idem::Decision::take_over:
      break;
  }

  std::optional<Response> answer;
  std::exception_ptr failure;
  try {
    answer = co_await handler();
  } catch (const HttpError& e) {
    if (idem::should_store(e.status))
      answer = render_http_error(e);
    else
      failure = std::current_exception();
  } catch (...) { failure = std::current_exception(); }

  std::optional<std::string> kept;
  if (answer && idem::should_store(answer->status)) kept = serialize(*answer);
  if (!kept) {
    co_await release(ctx, lookup, begun.run_id);
    if (failure) std::rethrow_exception(failure);
    co_return std::move(*answer);
  }
  // The answer stands even if it cannot be stored: the row then stays
  // 'running' until it is taken over.
  std::string sealed = idem::seal(idem::derive_answer_key(key, scope), aad, *kept);
  try {
    co_await ctx.idempotency->complete(lookup, begun.run_id, answer->status, std::move(sealed), ttl);
  } catch (const std::exception& e) {
    spdlog::warn("idempotency: could not store an answer: {} rid={}", e.what(), req.request_id);
  }
  co_return std::move(*answer);
}

Handler idempotent_booking_route(AppContext& ctx, Handler handler) {
  return [&ctx, handler = std::move(handler)](Request& req) -> awaitable<Response> {
    std::function<awaitable<Response>()> run = [&handler, &req] { return handler(req); };
    const std::string scope = booking_credential_scope(req);
    co_return co_await idempotent(req, ctx, scope, std::move(run));
  };
}

void document_idempotency(RouteSpec& spec) {
  spec.params.push_back(
      ParamSpec{.name = std::string(kIdempotencyKeyHeader),
                .in = "header",
                .schema = {{"type", "string"}, {"minLength", 1}, {"maxLength", 255}, {"pattern", "^[!-~]+$"}},
                .description = "Makes a retry safe: the first answer (2xx or 4xx) is stored for KEEL_IDEMPOTENCY_TTL_H "
                               "hours and a repeat of the same request (method, path, credential, body) with this key "
                               "gets it again, with Idempotent-Replayed: true. Keys are per credential."});
  bool has409 = false, has422 = false;
  for (auto& r : spec.responses) {
    if (r.status >= 200 && r.status <= 299)
      r.headers.emplace_back(std::string(kIdempotentReplayedHeader),
                             "\"true\" when this is the stored answer of an earlier request with the same "
                             "Idempotency-Key");
    if (r.status == 409) {
      r.description += "; or a request with the same Idempotency-Key is still in progress";
      has409 = true;
    }
    if (r.status == 422) {
      r.description += "; or the Idempotency-Key is malformed or was used with a different request";
      has422 = true;
    }
  }
  if (!has409)
    spec.responses.push_back(
        schemas::error_response(409, "A request with the same Idempotency-Key is still in progress"));
  if (!has422)
    spec.responses.push_back(schemas::error_response(
        422, "Validation error; or the Idempotency-Key is malformed or was used with a different request"));
}

}  // namespace keel
