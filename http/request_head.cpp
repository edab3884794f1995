#include "http/request_head.hpp"

#include "http/text/ascii.hpp"

#include <boost/beast/http/rfc7230.hpp>
#include <boost/url/grammar/charset.hpp>
#include <boost/url/grammar/digit_chars.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/sub_delim_chars.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <algorithm>

namespace keel {

namespace {

// The target of a request line: from its first space to the next one (or
// to the end of what arrived).
std::string_view raw_target(std::string_view head) {
  std::string_view line = head.substr(0, head.find('\n'));
  std::size_t start = line.find(' ');
  if (start == std::string_view::npos) return {};
  line.remove_prefix(start + 1);
  return line.substr(0, line.find(' '));
}

// Host = uri-host [ ":" port ]: an authority without user info. Almost
// every Host is a name or an IPv4 address, and a port: checked with
// Boost.URL's character sets, about twenty times cheaper per request than
// its authority parser, which judges the rest (IP literals, percent-encoding,
// anything invalid).
bool valid_host(std::string_view value) {
  namespace urls = boost::urls;
  static constexpr urls::grammar::lut_chars name_chars = urls::unreserved_chars + urls::sub_delim_chars;
  const std::size_t colon = value.find(':');
  const std::string_view name = value.substr(0, colon);
  const std::string_view port = colon == std::string_view::npos ? std::string_view() : value.substr(colon + 1);
  const char* name_end = name.data() + name.size();
  const char* port_end = port.data() + port.size();
  if (urls::grammar::find_if_not(name.data(), name_end, name_chars) == name_end &&
      urls::grammar::find_if_not(port.data(), port_end, urls::grammar::digit_chars) == port_end)
    return true;
  auto parsed = urls::parse_authority(value);
  return parsed && !parsed->has_userinfo();
}

// The codings of all Transfer-Encoding fields, in order, as one list.
struct Codings {
  bool valid = true;
  std::size_t chunked = 0;  // how many times `chunked` appears
  bool chunked_last = false;
  std::string_view other;  // the first coding that is not `chunked`
};

void add_codings(Codings& c, std::string_view value) {
  boost::beast::http::opt_token_list list{boost::beast::string_view(value.data(), value.size())};
  if (!boost::beast::http::validate_list(list)) {
    c.valid = false;
    return;
  }
  for (auto coding : list) {
    std::string_view name(coding.data(), coding.size());
    c.chunked_last = text::iequals(name, "chunked");
    if (c.chunked_last)
      ++c.chunked;
    else if (c.other.empty())
      c.other = name;
  }
}

HeadRefusal bad(std::string detail) { return HeadRefusal{400, std::move(detail)}; }

}  // namespace

HeadRefusal oversized_head(std::string_view head) {
  if (raw_target(head).size() > kTargetLimit) return {414, "request target too long"};
  return {431, "request header fields too large"};
}

std::optional<HeadRefusal> check_framing(const Headers& fields, unsigned version) {
  if (version != 10 && version != 11) return HeadRefusal{505, "HTTP version not supported"};
  std::size_t hosts = 0;
  std::string_view host;
  bool has_length = false;
  bool has_coding = false;
  Codings codings;
  for (const auto& [name, value] : fields.fields()) {
    switch (name.size()) {
      case 4:
        if (text::iequals(name, "Host")) {
          ++hosts;
          host = value;
        }
        break;
      case 14:
        if (text::iequals(name, "Content-Length")) has_length = true;
        break;
      case 17:
        if (text::iequals(name, "Transfer-Encoding")) {
          has_coding = true;
          add_codings(codings, value);
        }
        break;
      default:
        break;
    }
  }
  if (hosts > 1) return bad("more than one Host header field");
  if (hosts == 0 && version == 11) return bad("missing Host header field");
  if (hosts == 1 && !valid_host(host)) return bad("invalid Host header field");
  if (!has_coding) return std::nullopt;

  // Beast frames the body by the same rules only in part: a request it
  // would read as having no body must not reach a handler (smuggling).
  if (version == 10) return bad("Transfer-Encoding in an HTTP/1.0 request");
  if (has_length) return bad("both Transfer-Encoding and Content-Length");
  if (!codings.valid) return bad("malformed Transfer-Encoding");
  if (!codings.chunked_last) return bad("chunked must be the final transfer coding");
  if (codings.chunked > 1) return bad("chunked applied more than once");
  if (!codings.other.empty()) return HeadRefusal{501, "transfer coding not implemented: " + std::string(codings.other)};
  return std::nullopt;
}

namespace {

// The usual target: origin form, no query, no percent-encoding: every
// character a pchar (RFC 3986) or a slash. Its segments are then the pieces
// between the slashes, as Boost.URL's segments() gives them (a unit test
// compares the two over every short target of a small alphabet), found
// without the URL parser (~3 % of a /api/health's CPU time in perf). Not a
// target that starts with "/.": Boost.URL reads "/./" as a prefix of its
// own and drops it, so the parser decides those.
bool plain_origin_path(std::string_view t) {
  namespace urls = boost::urls;
  static constexpr urls::grammar::lut_chars path_chars = urls::unreserved_chars + urls::sub_delim_chars + ":@/";
  if (t.empty() || t[0] != '/' || (t.size() > 1 && t[1] == '.')) return false;
  const char* end = t.data() + t.size();
  return urls::grammar::find_if_not(t.data(), end, path_chars) == end;
}

}  // namespace

std::optional<HeadRefusal> apply_target(Request& req) {
  if (req.target.size() > kTargetLimit) return HeadRefusal{414, "request target too long"};
  if (plain_origin_path(req.target)) {
    req.path = std::string(req.target);
    std::string_view rest(req.target);
    rest.remove_prefix(1);
    if (rest.empty()) return std::nullopt;  // "/": no segment
    req.segments.reserve(static_cast<std::size_t>(std::count(rest.begin(), rest.end(), '/')) + 1);
    for (;;) {
      const std::size_t slash = rest.find('/');
      req.segments.emplace_back(rest.substr(0, slash));
      if (slash == std::string_view::npos) break;
      rest.remove_prefix(slash + 1);
    }
    return std::nullopt;
  }
  const bool origin_form = !req.target.empty() && req.target.front() == '/';
  auto parsed = origin_form ? boost::urls::parse_origin_form(req.target) : boost::urls::parse_absolute_uri(req.target);
  if (!parsed) return bad("malformed request target");
  const auto& u = *parsed;
  if (!origin_form) {
    // RFC 9110 §4.2: an http(s) URI has a host and no user info.
    auto scheme = u.scheme_id();
    if (scheme != boost::urls::scheme::http && scheme != boost::urls::scheme::https)
      return bad("malformed request target");
    if (!u.has_authority() || u.encoded_host().empty() || u.has_userinfo()) return bad("malformed request target");
    req.headers.set("Host", u.encoded_host_and_port());
  }
  req.path = u.encoded_path().empty() ? std::string("/") : std::string(u.encoded_path());
  auto segs = u.segments();
  req.segments.reserve(segs.size());
  for (auto seg : segs) req.segments.push_back(std::string(seg));
  if (u.has_query()) {
    boost::urls::encoding_opts opts;
    opts.space_as_plus = true;
    for (auto p : u.params(opts)) req.query.emplace_back(std::string(p.key), std::string(p.value));
  }
  return std::nullopt;
}

}  // namespace keel
