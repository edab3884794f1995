#include "http/file/sender.hpp"

#include "http/file/plan.hpp"
#include "http/random_id.hpp"
#include "http/text/ascii.hpp"

namespace keel::file_sender {

namespace {

// The request fields the plan reads, in one pass over the head. Beast keeps
// repeated fields apart; RFC 9110 lets lists be joined.
struct ConditionalFields {
  std::string if_match, if_none_match, if_modified_since, if_unmodified_since, range, if_range;

  explicit ConditionalFields(const Request& req) {
    for (const auto& [k, v] : req.headers.fields()) {
      if (std::string* to = slot(k)) {
        if (!to->empty()) *to += ", ";
        *to += v;
      }
    }
  }

 private:
  std::string* slot(std::string_view name) {
    if (name.size() < 5 || text::ascii_lower(name[0]) != (name.size() == 5 ? 'r' : 'i')) return nullptr;
    if (text::iequals(name, "If-Match")) return &if_match;
    if (text::iequals(name, "If-None-Match")) return &if_none_match;
    if (text::iequals(name, "If-Modified-Since")) return &if_modified_since;
    if (text::iequals(name, "If-Unmodified-Since")) return &if_unmodified_since;
    if (text::iequals(name, "Range")) return &range;
    if (text::iequals(name, "If-Range")) return &if_range;
    return nullptr;
  }
};

}  // namespace

Response serve(const Request& req, std::shared_ptr<OpenFile> file, const FileInfo& info) {
  // Alive for as long as the plan's string_views.
  const ConditionalFields f(req);
  const std::string &if_match = f.if_match, &if_none_match = f.if_none_match, &ims = f.if_modified_since,
                    &ius = f.if_unmodified_since, &range = f.range, &if_range = f.if_range;
  // Random boundary, so file content cannot be made to contain it; only a
  // request with a Range header can get a multipart answer.
  const std::string boundary = range.empty() ? std::string() : "keel-" + random_token(12);
  http_file::PlanInput in;
  // HEAD is planned as GET: the server sends the same headers without a body.
  in.method = (req.method == "GET" || req.method == "HEAD") ? http_file::Method::get : http_file::Method::other;
  in.request.if_match = if_match;
  in.request.if_none_match = if_none_match;
  in.request.if_modified_since = ims;
  in.request.if_unmodified_since = ius;
  in.request.range = range;
  in.request.if_range = if_range;
  in.file_size = info.size;
  in.validators.etag = info.etag;
  in.validators.last_modified = info.last_modified;
  in.content_type = info.content_type;
  in.boundary = boundary;
  http_file::Plan plan = http_file::plan_file_response(in);

  Response res;
  res.status = plan.status;
  res.headers.reserve(plan.headers.size() + 4);
  for (auto& [k, v] : plan.headers)
    if (k != "Content-Length") res.headers.add(k, v);  // the server frames the body itself
  if (!info.cache_control.empty()) res.headers.set("Cache-Control", info.cache_control);
  if (plan.status == 412 || plan.status == 416) {
    res.headers.set("Content-Type", "application/json");
    res.body = nlohmann::json{{"detail", std::string(reason_phrase(plan.status))}}.dump();
    return res;
  }
  if (plan.status == 304) {
    res.body = std::string();
    return res;
  }
  if (!info.content_disposition.empty()) res.headers.set("Content-Disposition", info.content_disposition);
  FileBody fb;
  fb.file = std::move(file);
  fb.content_length = plan.content_length;
  for (auto& seg : plan.body) {
    if (auto* lit = std::get_if<std::string>(&seg))
      fb.segments.push_back(BodySegment{std::move(*lit), 0, 0});
    else {
      auto r = std::get<http_file::ByteRange>(seg);
      fb.segments.push_back(BodySegment{{}, r.offset, r.length});
    }
  }
  res.body = std::move(fb);
  return res;
}

}  // namespace keel::file_sender
