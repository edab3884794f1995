#include "app/router.hpp"

#include <algorithm>
#include <charconv>
#include <set>
#include <stdexcept>

namespace keel {

std::vector<Route::Piece> parse_template(const std::string& path) {
  if (path.empty() || path[0] != '/') throw std::invalid_argument("route template must start with '/': " + path);
  std::vector<Route::Piece> pieces;
  std::size_t pos = 1;
  while (pos <= path.size()) {
    std::size_t end = path.find('/', pos);
    if (end == std::string::npos) end = path.size();
    std::string seg = path.substr(pos, end - pos);
    Route::Piece p;
    if (seg.size() >= 2 && seg.front() == '{' && seg.back() == '}') {
      std::string inner = seg.substr(1, seg.size() - 2);
      auto colon = inner.find(':');
      p.is_param = true;
      p.name = inner.substr(0, colon);
      p.type = colon == std::string::npos ? "str" : inner.substr(colon + 1);
      if (p.name.empty() || (p.type != "int" && p.type != "str" && p.type != "path"))
        throw std::invalid_argument("bad parameter in route template: " + path);
      if (p.type == "path" && end != path.size())
        throw std::invalid_argument("a {name:path} parameter must come last: " + path);
    } else {
      if (seg.find_first_of("{}") != std::string::npos)
        throw std::invalid_argument("bad segment in route template: " + path);
      p.literal = seg;
    }
    pieces.push_back(std::move(p));
    if (end == path.size()) break;
    pos = end + 1;
  }
  return pieces;
}

void Router::add(RouteSpec spec, Handler handler) {
  Route r;
  r.pieces = parse_template(spec.path);
  for (const auto& existing : routes_)
    if (existing.spec.method == spec.method && existing.spec.path == spec.path)
      throw std::invalid_argument("duplicate route " + spec.method + " " + spec.path);
  r.spec = std::move(spec);
  r.handler = std::move(handler);
  routes_.push_back(std::move(r));
}

namespace {

bool is_int(std::string_view s) {
  if (s.empty()) return false;
  std::size_t i = (s[0] == '-') ? 1 : 0;
  if (i == s.size() || s.size() > 19 + i) return false;
  long long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size();
}

// Shape match: literals and segment counts agree. Typed params checked apart
// so that "/api/bookings/abc" can answer 422 rather than 404 (as FastAPI).
struct Attempt {
  bool shape = false;
  std::vector<std::pair<std::string, std::string>> params;
  std::vector<ValidationIssue> issues;
  int literals = 0;
};

Attempt try_route(const Route& r, const std::vector<std::string>& segs) {
  Attempt a;
  std::size_t i = 0;
  for (std::size_t k = 0; k < r.pieces.size(); ++k) {
    const auto& p = r.pieces[k];
    if (p.is_param && p.type == "path") {
      if (i >= segs.size()) return a;
      std::string rest;
      for (std::size_t j = i; j < segs.size(); ++j) {
        if (j > i) rest += '/';
        rest += segs[j];
      }
      if (rest.empty()) return a;
      a.params.emplace_back(p.name, std::move(rest));
      i = segs.size();
      continue;
    }
    if (i >= segs.size()) return a;
    const std::string& s = segs[i++];
    if (!p.is_param) {
      if (s != p.literal) return a;
      ++a.literals;
      continue;
    }
    if (s.empty()) return a;
    if (p.type == "int" && !is_int(s)) {
      a.issues.push_back({{"path", p.name}, "Input should be a valid integer, unable to parse string as an integer", "int_parsing"});
    }
    a.params.emplace_back(p.name, s);
  }
  a.shape = (i == segs.size());
  return a;
}

}  // namespace

RouteMatch Router::match(std::string_view method, const std::vector<std::string>& segments) const {
  const bool head = (method == "HEAD");
  RouteMatch best;
  int best_literals = -1;
  std::set<std::string> allowed;
  std::optional<RouteMatch> bad;
  for (const auto& r : routes_) {
    Attempt a = try_route(r, segments);
    if (!a.shape) continue;
    if (!a.issues.empty()) {
      if (r.spec.method == method || (head && r.spec.method == "GET")) {
        if (!bad) bad = RouteMatch{RouteMatch::bad_param, &r, {}, {}, a.issues};
      }
      continue;
    }
    allowed.insert(r.spec.method);
    if (r.spec.method == "GET") allowed.insert("HEAD");
    if (r.spec.method == method || (head && r.spec.method == "GET")) {
      if (a.literals > best_literals) {
        best = RouteMatch{RouteMatch::found, &r, std::move(a.params), {}, {}};
        best_literals = a.literals;
      }
    }
  }
  if (best.kind == RouteMatch::found) return best;
  if (bad) return *bad;
  if (!allowed.empty()) {
    RouteMatch m;
    m.kind = RouteMatch::method_not_allowed;
    for (const auto& a : allowed) {
      if (!m.allow.empty()) m.allow += ", ";
      m.allow += a;
    }
    return m;
  }
  return best;  // not_found
}

}  // namespace keel
