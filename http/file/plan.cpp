#include "http/file/plan.hpp"

#include <stdexcept>

#include "http/text/header_params.hpp"
#include "http/text/http_date.hpp"

namespace keel::http_file {
namespace {

void add_validators(Plan& plan, const Validators& v) {
  if (!v.etag.empty()) plan.headers.emplace_back("ETag", std::string(v.etag));
  if (v.last_modified) plan.headers.emplace_back("Last-Modified", text::format_http_date(*v.last_modified));
}

void set_full(Plan& plan, const PlanInput& in, std::string_view type) {
  plan.status = 200;
  plan.headers.emplace_back("Content-Type", std::string(type));
  plan.headers.emplace_back("Content-Length", std::to_string(in.file_size));
  if (in.file_size > 0) plan.body.emplace_back(ByteRange{0, in.file_size});
  plan.content_length = in.file_size;
}

void set_single(Plan& plan, const PlanInput& in, std::string_view type, const ByteRange& r) {
  plan.status = 206;
  plan.headers.emplace_back("Content-Type", std::string(type));
  plan.headers.emplace_back("Content-Length", std::to_string(r.length));
  plan.headers.emplace_back("Content-Range", content_range(r, in.file_size));
  plan.body.emplace_back(r);
  plan.content_length = r.length;
}

// RFC 9110 §14.6: each part is "--B CRLF headers CRLF CRLF data", parts are
// separated by CRLF (which belongs to the next delimiter), and the body ends
// with "CRLF --B-- CRLF".
void set_multi(Plan& plan, const PlanInput& in, std::string_view type, const std::vector<ByteRange>& ranges) {
  if (!text::valid_multipart_boundary(in.boundary)) {
    throw std::invalid_argument("plan_file_response: invalid multipart boundary");
  }
  const std::string boundary(in.boundary);
  plan.status = 206;
  std::uint64_t length = 0;
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    std::string head = i == 0 ? "" : "\r\n";
    head += "--" + boundary + "\r\nContent-Type: " + std::string(type) +
            "\r\nContent-Range: " + content_range(ranges[i], in.file_size) + "\r\n\r\n";
    length += head.size() + ranges[i].length;
    plan.body.emplace_back(std::move(head));
    plan.body.emplace_back(ranges[i]);
  }
  std::string tail = "\r\n--" + boundary + "--\r\n";
  length += tail.size();
  plan.body.emplace_back(std::move(tail));
  plan.headers.emplace_back("Content-Type", "multipart/byteranges; boundary=" + boundary);
  plan.headers.emplace_back("Content-Length", std::to_string(length));
  plan.content_length = length;
}

}  // namespace

std::optional<std::string_view> Plan::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return std::nullopt;
}

Plan plan_file_response(const PlanInput& in) {
  Plan plan;
  add_validators(plan, in.validators);

  switch (evaluate_preconditions(in.method, in.request, in.validators)) {
    case Precondition::failed:
      plan.status = 412;
      return plan;
    case Precondition::not_modified:
      plan.status = 304;
      return plan;
    case Precondition::proceed:
      break;
  }

  plan.headers.emplace_back("Accept-Ranges", "bytes");
  const std::string_view type = in.content_type.empty() ? "application/octet-stream" : in.content_type;

  RangeDecision ranges;
  if (in.method != Method::other && !in.request.range.empty() &&
      if_range_allows_range(in.request.if_range, in.validators)) {
    ranges = decide_ranges(in.request.range, in.file_size);
  }
  switch (ranges.kind) {
    case RangeKind::unsatisfiable:
      plan.status = 416;
      plan.headers.emplace_back("Content-Range", unsatisfied_content_range(in.file_size));
      return plan;
    case RangeKind::full:
      set_full(plan, in, type);
      break;
    case RangeKind::partial:
      if (ranges.ranges.size() == 1) {
        set_single(plan, in, type, ranges.ranges.front());
      } else {
        set_multi(plan, in, type, ranges.ranges);
      }
      break;
  }
  if (in.method == Method::head) plan.body.clear();
  return plan;
}

}  // namespace keel::http_file
