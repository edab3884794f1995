#include "routers/conditional.hpp"

#include "http/file/conditional.hpp"
#include "services/crypto/sha256.hpp"

namespace keel {

bool if_none_match_hits(const Request& req, std::string_view etag) {
  http_file::RequestHeaders h;
  h.if_none_match = req.header("If-None-Match").value_or("");
  if (h.if_none_match.empty()) return false;
  return http_file::evaluate_preconditions(http_file::Method::get, h, http_file::Validators{.etag = etag}) ==
         http_file::Precondition::not_modified;
}

Response not_modified(const std::string& etag, std::string_view cache_control) {
  Response r = Response::empty(304);
  r.headers.set("ETag", etag);
  r.headers.set("Cache-Control", std::string(cache_control));
  return r;
}

std::string body_etag(std::string_view body) { return "\"" + sha256_hex(body).substr(0, 32) + "\""; }

Response tagged_json(const Request& req, std::string body, const std::string& etag) {
  if (if_none_match_hits(req, etag)) return not_modified(etag);
  Response r = Response::text(200, std::move(body), "application/json");
  r.headers.set("ETag", etag);
  r.headers.set("Cache-Control", "no-cache");
  return r;
}

}  // namespace keel
