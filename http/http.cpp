#include "http/http.hpp"

#include "http/text/ascii.hpp"

#include <unistd.h>
#include <algorithm>

namespace keel {

std::optional<std::string_view> Headers::get(std::string_view name) const {
  for (const auto& [k, v] : fields_)
    if (text::iequals(k, name)) return std::string_view(v);
  return std::nullopt;
}

// A response carries a handful of fields: room for them at the first one
// instead of growing 1, 2, 4.
constexpr std::size_t kInitialFields = 6;

void Headers::set(std::string_view name, std::string_view value) {
  remove(name);
  add(name, value);
}

void Headers::add(std::string_view name, std::string_view value) {
  if (fields_.capacity() == 0) fields_.reserve(kInitialFields);
  fields_.emplace_back(name, value);
}

void Headers::remove(std::string_view name) {
  std::erase_if(fields_, [&](const Field& f) { return text::iequals(f.first, name); });
}

HttpError::HttpError(int s, nlohmann::json d, Headers h)
    : std::runtime_error(d.is_string() ? d.get<std::string>() : d.dump()),
      status(s),
      detail(std::move(d)),
      headers(std::move(h)) {}

nlohmann::json ValidationIssue::to_json() const { return nlohmann::json{{"loc", loc}, {"msg", msg}, {"type", type}}; }

HttpError validation_error(const std::vector<ValidationIssue>& issues) {
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& i : issues) arr.push_back(i.to_json());
  return HttpError(422, std::move(arr));
}

std::optional<std::string_view> Request::query_param(std::string_view name) const {
  for (const auto& [k, v] : query)
    if (k == name) return std::string_view(v);
  return std::nullopt;
}

std::string_view Request::path_param(std::string_view name) const {
  for (const auto& [k, v] : path_params)
    if (k == name) return v;
  return {};
}

awaitable<std::string> read_body_capped(Request& req, std::uint64_t cap) {
  std::string out;
  if (!req.body) co_return out;
  if (auto cl = req.body->content_length(); cl && *cl > cap) throw HttpError(413, "request body too large");
  char buf[16 * 1024];
  for (;;) {
    std::size_t n = co_await req.body->read_some(std::span<char>(buf, sizeof buf));
    if (n == 0) break;
    if (out.size() + n > cap) throw HttpError(413, "request body too large");
    out.append(buf, n);
  }
  co_return out;
}

OpenFile::~OpenFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!unlink_path_.empty()) ::unlink(unlink_path_.c_str());
}

// Responses made here carry a Content-Type, and most gain two or three
// headers more on their way out (X-Request-ID, CORS, caching): one
// allocation for the list instead of its growth steps.
constexpr std::size_t kUsualHeaders = 4;

Response Response::json(int status, const nlohmann::json& j) {
  Response r;
  r.status = status;
  r.headers.reserve(kUsualHeaders);
  r.headers.set("Content-Type", "application/json");
  r.body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response Response::text(int status, std::string body, std::string_view content_type) {
  Response r;
  r.status = status;
  r.headers.reserve(kUsualHeaders);
  r.headers.set("Content-Type", content_type);
  r.body = std::move(body);
  return r;
}

Response Response::empty(int status) {
  Response r;
  r.status = status;
  return r;
}

Response Response::error(int status, const nlohmann::json& detail) {
  return json(status, nlohmann::json{{"detail", detail}});
}

Response render_http_error(const HttpError& e) {
  Response r = Response::error(e.status, e.detail);
  for (const auto& [k, v] : e.headers.fields()) r.headers.set(k, v);
  return r;
}

std::uint64_t Response::body_size() const {
  if (auto s = std::get_if<std::string>(&body)) return s->size();
  if (auto f = std::get_if<FileBody>(&body)) return f->content_length;
  return 0;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 416:
      return "Range Not Satisfiable";
    case 417:
      return "Expectation Failed";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    default:
      return "Unknown";
  }
}

}  // namespace keel
