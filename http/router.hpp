#pragma once
// Method + path-template routing with typed parameters, and the metadata each
// route carries so the OpenAPI document is generated from the routes.
#include "http/http.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace keel {

using Handler = std::function<awaitable<Response>(Request&)>;

// Documentation and policy of one parameter (path or query).
struct ParamSpec {
  std::string name;
  std::string in = "query";  // "path" | "query" | "header"
  nlohmann::json schema = {{"type", "string"}};
  bool required = false;
  std::string description;
};

struct ResponseSpec {
  int status = 200;
  std::string description;
  nlohmann::json schema;  // null: no body documented
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // response headers documented: name, description
};

// How a route consumes its request body; decides which size cap applies
// before any body byte is read.
enum class BodyKind { none, json, stream };

struct RequestBodySpec {
  // content type -> schema (e.g. "application/json" -> {...})
  std::vector<std::pair<std::string, nlohmann::json>> content;
  bool required = true;
  std::string description;
};

struct RouteSpec {
  std::string method;  // GET, POST, PATCH, DELETE (HEAD is implied by GET)
  std::string path;    // template: /api/bookings/{id:int}, /static/{path:path}
  std::string summary;
  std::string description;
  std::string tag;
  std::string operation_id;
  std::vector<ParamSpec> params;  // query params, and docs for path params
  BodyKind body = BodyKind::none;
  std::optional<RequestBodySpec> request_body;
  std::vector<ResponseSpec> responses;
  std::vector<std::string> security;  // names of security schemes; any one suffices
  bool include_in_schema = true;
  // A buffered body's cap below KEEL_MAX_BODY_MB, or a streamed body's own
  // cap instead of KEEL_MAX_UPLOAD_MB (0: those).
  std::uint64_t max_body_bytes = 0;
  bool memory_guard = true;          // false: served even in the critical memory state (health checks)
};

struct Route {
  RouteSpec spec;
  Handler handler;
  struct Piece {
    std::string literal;  // when !is_param
    std::string name;     // parameter name
    std::string type;     // "int" | "str" | "path"
    bool is_param = false;
    bool is_int = false;   // type == "int", kept apart so matching compares no strings
    bool is_path = false;  // type == "path": the rest of the path, always the last piece
  };
  std::vector<Piece> pieces;
};

// Result of looking a request up.
struct RouteMatch {
  enum Kind { found, not_found, method_not_allowed, bad_param } kind = not_found;
  const Route* route = nullptr;
  std::vector<std::pair<std::string, std::string>> params;
  std::string allow;                    // for method_not_allowed
  std::vector<ValidationIssue> issues;  // for bad_param
};

class Router {
 public:
  // Throws std::invalid_argument on a malformed template or a duplicate.
  void add(RouteSpec spec, Handler handler);
  RouteMatch match(std::string_view method, const std::vector<std::string>& segments) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  // The routes a path of n segments may match, in the order they were added
  // (the order decides ties): by_count_[n] for n below its size, else
  // tails_ (the {name:path} routes, which match any longer path). Matching
  // then looks at a handful of routes instead of every one.
  const std::vector<std::size_t>& candidates(std::size_t n) const {
    return n < by_count_.size() ? by_count_[n] : tails_;
  }
  void index();

  std::vector<Route> routes_;
  std::vector<std::vector<std::size_t>> by_count_;
  std::vector<std::size_t> tails_;
  // The routes made only of literals, by a hash of their segments, in the
  // order they were added. A path one of them serves is answered by it
  // (no route matches it with more literals) without trying the others.
  std::unordered_map<std::size_t, std::vector<std::size_t>> literal_;
};

// Splits "/a/{id:int}/b" into pieces; exposed for tests.
std::vector<Route::Piece> parse_template(const std::string& path);

}  // namespace keel
