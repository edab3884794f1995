#pragma once
// Request/Response types shared by middleware, routers and the server.
// Deliberately free of Beast: routers and services include this, and Beast
// stays inside the server's own files in http/ (few, slow translation units).
#include "http/text/ascii.hpp"

#include <boost/asio/awaitable.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <memory_resource>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace keel {

template <class T>
using awaitable = boost::asio::awaitable<T>;

// Ordered, case-insensitive header list (few entries: linear search wins).
// Storage comes from a memory resource: the heap by default (responses), a
// per-request arena for a parsed request (its fields then cost no malloc
// and are freed with the request). A copy always lives on the heap.
class Headers {
 public:
  using Field = std::pair<std::pmr::string, std::pmr::string>;
  Headers() = default;
  explicit Headers(std::pmr::memory_resource* storage) : fields_(storage) {}
  Headers(const Headers& other) : fields_(other.fields_, std::pmr::get_default_resource()) {}
  Headers& operator=(const Headers&) = default;
  Headers(Headers&&) noexcept = default;
  Headers& operator=(Headers&&) = default;

  std::optional<std::string_view> get(std::string_view name) const;
  bool has(std::string_view name) const { return get(name).has_value(); }
  void set(std::string_view name, std::string_view value);  // replaces all of that name
  void add(std::string_view name, std::string_view value);  // appends
  void remove(std::string_view name);
  const std::pmr::vector<Field>& fields() const { return fields_; }
  void reserve(std::size_t n) { fields_.reserve(n); }
  std::size_t size() const { return fields_.size(); }
  bool empty() const { return fields_.empty(); }

 private:
  std::pmr::vector<Field> fields_;
};

// An error that becomes an HTTP response: {"detail": detail} with status.
struct HttpError : std::runtime_error {
  HttpError(int status, nlohmann::json detail, Headers headers = {});
  int status;
  nlohmann::json detail;
  Headers headers;
};

// Failures the error catcher turned into 500 and 503 answers; reported by
// /api/health/memory.
struct ErrorCounters {
  std::atomic<std::uint64_t> internal_errors_total{0};
  std::atomic<std::uint64_t> alloc_failures_total{0};
};

// One entry of a FastAPI-shaped validation error.
struct ValidationIssue {
  std::vector<nlohmann::json> loc;  // e.g. {"body", "email"}
  std::string msg;
  std::string type;
  nlohmann::json to_json() const;
};
// 422 {"detail": [ {loc,msg,type}, ... ]}
HttpError validation_error(const std::vector<ValidationIssue>& issues);

// The request body, read lazily by whoever asks for it. Implemented by the
// server over the connection's stream; never buffers more than one chunk.
class BodyReader {
 public:
  virtual ~BodyReader() = default;
  // Reads up to buf.size() bytes; returns 0 at the end of the body. Throws
  // HttpError on a timeout or a broken body, or ClientGone if the peer left.
  virtual awaitable<std::size_t> read_some(std::span<char> buf) = 0;
  virtual bool done() const = 0;
  // Content-Length when the request had one (not for chunked bodies).
  virtual std::optional<std::uint64_t> content_length() const = 0;
  virtual bool chunked() const = 0;
  virtual bool expects_continue() const = 0;
};

// The peer closed or reset the connection mid-request.
struct ClientGone : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Request {
 public:
  Request() = default;
  // Header fields stored in `storage` (the server's per-request arena).
  explicit Request(std::pmr::memory_resource* storage) : headers(storage) {}

  std::string method;                 // "GET", upper case as sent
  std::string target;                 // raw request target
  std::string path;                   // the target's path as sent (percent-encoded); decoded pieces are in segments
  std::vector<std::string> segments;  // decoded path segments (a '/' inside one stays)
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  Headers headers;
  std::vector<std::pair<std::string, std::string>> path_params;  // filled by the router
  std::string request_id;  // when set, the server answers with it as X-Request-ID
  std::string_view remote;  // "addr:port" of the peer; the connection's, which outlives the request
  BodyReader* body = nullptr;
  const struct Route* route = nullptr;  // set by the router once matched
  // When no route matched: 404, 405 (with allow) or 422 (with param_issues).
  int route_miss_status = 0;
  std::string allow;
  std::vector<ValidationIssue> param_issues;
  // Set by the auth guard (middleware/auth.cpp): the request carries the admin key.
  bool is_admin = false;

  std::optional<std::string_view> header(std::string_view name) const { return headers.get(name); }
  std::optional<std::string_view> query_param(std::string_view name) const;
  std::string_view path_param(std::string_view name) const;
  bool is_head() const { return method == "HEAD"; }
};

// Reads the whole body into memory, refusing more than `cap` bytes with 413.
// Only for small JSON bodies.
awaitable<std::string> read_body_capped(Request& req, std::uint64_t cap);

// --- Response kinds ---------------------------------------------------------

// A file opened for sending; closes the descriptor (and unlinks it, for temp
// files) when the last response using it is done, however it ended.
class OpenFile {
 public:
  OpenFile(int fd, std::string unlink_path = {}) : fd_(fd), unlink_path_(std::move(unlink_path)) {}
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;
  ~OpenFile();
  int fd() const { return fd_; }

 private:
  int fd_;
  std::string unlink_path_;
};

// A piece of a file-backed body: literal bytes or a byte range of the file.
struct BodySegment {
  std::string literal;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;  // of the file range; 0 with a literal
};

struct FileBody {
  std::shared_ptr<OpenFile> file;
  std::vector<BodySegment> segments;  // sent in order
  std::uint64_t content_length = 0;   // sum of the segments
};

// A producer of bounded chunks, sent with chunked encoding. Returns an empty
// optional at the end.
struct StreamBody {
  std::function<awaitable<std::optional<std::string>>()> next;
};

struct Response {
  int status = 200;
  Headers headers;
  std::variant<std::string, FileBody, StreamBody> body;
  // Set by handlers that do not want the connection kept alive.
  bool close = false;
  // Kept until the response is sent, then released: a concurrency permit
  // that bounds how many such bodies are in memory at once.
  std::shared_ptr<void> hold;

  static Response json(int status, const nlohmann::json& j);
  static Response text(int status, std::string body, std::string_view content_type = "text/plain; charset=utf-8");
  static Response empty(int status);
  static Response error(int status, const nlohmann::json& detail);
  std::uint64_t body_size() const;  // known size for string and file bodies
};

std::string_view reason_phrase(int status);

// The answer an HttpError stands for: its status, {"detail": ...} and its
// headers. The error catcher uses it, and so does whatever must see a thrown
// error's answer before the catcher does (routers/idempotency stores it).
Response render_http_error(const HttpError& e);

}  // namespace keel
