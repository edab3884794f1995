#include "middleware/body_limit.hpp"

#include "http/body_cap.hpp"

namespace keel {

Guard body_limit_guard(std::uint64_t max_body, std::uint64_t max_upload) {
  return [max_body, max_upload](Request& req) -> std::optional<Response> {
    if (req.body && req.route) {
      auto cl = req.body->content_length();
      const RouteSpec& spec = req.route->spec;
      // A streamed body: the route's own cap (a dataset sync's CSV), else the upload cap.
      std::uint64_t stream_cap = spec.max_body_bytes ? spec.max_body_bytes : max_upload;
      std::uint64_t cap = spec.body == BodyKind::stream ? stream_cap : body_cap(req, max_body);
      if (cl && *cl > cap) {
        Response r = Response::error(
            413, "request body too large: " + std::to_string(*cl) + " bytes, the limit is " + std::to_string(cap));
        return r;
      }
    }
    return std::nullopt;
  };
}

}  // namespace keel
