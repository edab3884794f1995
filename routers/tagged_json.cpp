#include "routers/tagged_json.hpp"

#include "http/file/conditional.hpp"
#include "services/crypto/sha256.hpp"

namespace keel {

std::string body_etag(std::string_view body) { return "\"" + sha256_hex(body).substr(0, 32) + "\""; }

Response tagged_json(const Request& req, std::string body, const std::string& etag) {
  const std::string inm(req.header("If-None-Match").value_or(""));
  const auto pre = http_file::evaluate_preconditions(req.is_head() ? http_file::Method::head : http_file::Method::get,
                                                     {.if_none_match = inm}, {.etag = etag});
  Response r = pre == http_file::Precondition::not_modified ? Response::empty(304)
                                                            : Response::text(200, std::move(body), "application/json");
  r.headers.set("ETag", etag);
  r.headers.set("Cache-Control", "no-cache");
  return r;
}

}  // namespace keel
