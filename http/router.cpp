#include "http/router.hpp"

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
      p.is_int = p.type == "int";
      p.is_path = p.type == "path";
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
  index();
}

namespace {

// Of a path's segments; literal_ is keyed by it. Collisions are harmless:
// a route found by it still has its shape checked.
template <class Range, class Text>
std::size_t segments_hash(const Range& segments, Text text) {
  std::size_t h = segments.size();
  for (const auto& s : segments) h = (h ^ std::hash<std::string_view>{}(text(s))) * 0x100000001b3ull;
  return h;
}

}  // namespace

void Router::index() {
  literal_.clear();
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const auto& pieces = routes_[i].pieces;
    if (std::any_of(pieces.begin(), pieces.end(), [](const Route::Piece& p) { return p.is_param; })) continue;
    literal_[segments_hash(pieces, [](const Route::Piece& p) { return std::string_view(p.literal); })].push_back(i);
  }
  std::size_t longest = 0;
  for (const auto& r : routes_) longest = std::max(longest, r.pieces.size());
  by_count_.assign(longest + 1, {});
  tails_.clear();
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const auto& pieces = routes_[i].pieces;
    if (!pieces.empty() && pieces.back().is_path) {
      // k pieces before the tail, which takes at least one segment.
      for (std::size_t n = pieces.size(); n < by_count_.size(); ++n) by_count_[n].push_back(i);
      tails_.push_back(i);
    } else {
      by_count_[pieces.size()].push_back(i);
    }
  }
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

// Shape match: literals and segment counts agree. Typed params are checked
// apart so that "/api/bookings/abc" can answer 422 rather than 404 (as
// FastAPI). Matching allocates nothing; parameters and issues are built only
// for the route that is chosen.
struct Shape {
  bool matches = false;
  bool typed_ok = true;  // every {x:int} holds an integer
  int literals = 0;
};

Shape shape_of(const Route& r, const std::vector<std::string>& segs) {
  Shape sh;
  std::size_t i = 0;
  for (const auto& p : r.pieces) {
    if (p.is_path) {
      // The rest of the path, which must not be empty: at least one
      // segment, and not a single empty one.
      if (i >= segs.size() || (i + 1 == segs.size() && segs[i].empty())) return sh;
      i = segs.size();
      continue;
    }
    if (i >= segs.size()) return sh;
    const std::string& s = segs[i++];
    if (!p.is_param) {
      if (s != p.literal) return sh;
      ++sh.literals;
      continue;
    }
    if (s.empty()) return sh;
    if (p.is_int && !is_int(s)) sh.typed_ok = false;
  }
  sh.matches = (i == segs.size());
  return sh;
}

std::vector<std::pair<std::string, std::string>> params_of(const Route& r, const std::vector<std::string>& segs) {
  std::vector<std::pair<std::string, std::string>> params;
  std::size_t i = 0;
  for (const auto& p : r.pieces) {
    if (p.is_path) {
      std::string rest;
      for (std::size_t j = i; j < segs.size(); ++j) {
        if (j > i) rest += '/';
        rest += segs[j];
      }
      params.emplace_back(p.name, std::move(rest));
      break;
    }
    const std::string& s = segs[i++];
    if (p.is_param) params.emplace_back(p.name, s);
  }
  return params;
}

std::vector<ValidationIssue> issues_of(const Route& r, const std::vector<std::string>& segs) {
  std::vector<ValidationIssue> issues;
  for (std::size_t k = 0; k < r.pieces.size() && k < segs.size(); ++k) {
    const auto& p = r.pieces[k];
    if (p.is_int && !is_int(segs[k]))
      issues.push_back(
          {{"path", p.name}, "Input should be a valid integer, unable to parse string as an integer", "int_parsing"});
  }
  return issues;
}

bool serves(const Route& r, std::string_view method) {
  return r.spec.method == method || (method == "HEAD" && r.spec.method == "GET");
}

}  // namespace

RouteMatch Router::match(std::string_view method, const std::vector<std::string>& segments) const {
  if (auto it = literal_.find(segments_hash(segments, [](const std::string& s) { return std::string_view(s); }));
      it != literal_.end()) {
    for (std::size_t i : it->second) {
      const Route& r = routes_[i];
      if (serves(r, method) && shape_of(r, segments).matches) {
        RouteMatch m;
        m.kind = RouteMatch::found;
        m.route = &r;
        return m;
      }
    }
  }
  const Route* best = nullptr;
  int best_literals = -1;
  const Route* bad = nullptr;
  bool any_shape = false;  // some route has this path: 405 rather than 404
  for (std::size_t i : candidates(segments.size())) {
    const Route& r = routes_[i];
    Shape sh = shape_of(r, segments);
    if (!sh.matches) continue;
    if (!sh.typed_ok) {
      if (!bad && serves(r, method)) bad = &r;
      continue;
    }
    any_shape = true;
    if (serves(r, method) && sh.literals > best_literals) {
      best = &r;
      best_literals = sh.literals;
    }
  }
  RouteMatch m;
  if (best) {
    m.kind = RouteMatch::found;
    m.route = best;
    m.params = params_of(*best, segments);
  } else if (bad) {
    m.kind = RouteMatch::bad_param;
    m.route = bad;
    m.issues = issues_of(*bad, segments);
  } else if (any_shape) {
    std::set<std::string> allowed;
    for (std::size_t i : candidates(segments.size())) {
      const Route& r = routes_[i];
      Shape sh = shape_of(r, segments);
      if (!sh.matches || !sh.typed_ok) continue;
      allowed.insert(r.spec.method);
      if (r.spec.method == "GET") allowed.insert("HEAD");
    }
    m.kind = RouteMatch::method_not_allowed;
    for (const auto& a : allowed) {
      if (!m.allow.empty()) m.allow += ", ";
      m.allow += a;
    }
  }
  return m;
}

}  // namespace keel
