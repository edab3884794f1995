#include "services/multipart/parser.hpp"

#include <cstdint>
#include <cstring>
#include <utility>

namespace keel::multipart {
namespace {

// Whitespace allowed between a boundary and its CRLF (RFC 2046
// transport-padding). Capped so a pending match stays small; more than this
// and the "\r\n--boundary" is taken as ordinary data.
constexpr std::size_t kMaxPadding = 32;

bool is_ows(char c) { return c == ' ' || c == '\t'; }

bool is_ctl(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

bool is_tchar(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::strchr("!#$%&'*+-.^_`|~", c) != nullptr && c != '\0';
}

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

struct Param {
  std::string name;  // lower-cased
  std::string value;
};

// `value *( OWS ";" OWS name OWS "=" OWS (token | quoted-string) )`, the
// shape shared by Content-Type and Content-Disposition. Unquoted values are
// read leniently (anything but separators, whitespace and controls).
// Repeated parameter names are rejected: two readers could pick different
// ones. In quoted strings a backslash escapes only '"' and '\', so that
// Windows paths such as "C:\dir\a.txt" survive (as Go's mime package does).
bool parse_params(std::string_view s, std::string_view& value, std::vector<Param>& params) {
  s = trim_ows(s);
  std::size_t i = s.find(';');
  value = trim_ows(s.substr(0, i));
  if (value.empty()) return false;
  if (i == std::string_view::npos) return true;
  const std::size_t n = s.size();
  while (i < n) {
    // At a ';'.
    ++i;
    while (i < n && is_ows(s[i])) ++i;
    if (i == n) break;
    if (s[i] == ';') continue;
    const std::size_t name_begin = i;
    while (i < n && is_tchar(s[i])) ++i;
    if (i == name_begin) return false;
    Param p;
    for (char c : s.substr(name_begin, i - name_begin)) p.name.push_back(ascii_lower(c));
    while (i < n && is_ows(s[i])) ++i;
    if (i == n || s[i] != '=') return false;
    ++i;
    while (i < n && is_ows(s[i])) ++i;
    if (i < n && s[i] == '"') {
      ++i;
      bool closed = false;
      while (i < n) {
        const char c = s[i];
        if (c == '"') {
          closed = true;
          ++i;
          break;
        }
        if (c == '\\' && i + 1 < n && (s[i + 1] == '"' || s[i + 1] == '\\')) {
          p.value.push_back(s[i + 1]);
          i += 2;
          continue;
        }
        if (is_ctl(c) && c != '\t') return false;
        p.value.push_back(c);
        ++i;
      }
      if (!closed) return false;
    } else {
      const std::size_t v = i;
      while (i < n && s[i] != ';' && s[i] != '"' && !is_ows(s[i]) && !is_ctl(s[i])) ++i;
      if (i == v) return false;
      p.value.assign(s.substr(v, i - v));
    }
    while (i < n && is_ows(s[i])) ++i;
    if (i < n && s[i] != ';') return false;
    for (const Param& q : params) {
      if (q.name == p.name) return false;
    }
    params.push_back(std::move(p));
  }
  return true;
}

const Param* find_param(const std::vector<Param>& params, std::string_view name) {
  for (const Param& p : params) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      len = 2;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += len;
  }
  return true;
}

// RFC 5987 ext-value: charset "'" [language] "'" pct-encoded value.
// UTF-8 and ISO-8859-1 are understood; anything else yields nullopt, and the
// caller then ignores filename* as RFC 6266 §4.3 asks.
std::optional<std::string> decode_ext_value(std::string_view v) {
  const std::size_t q1 = v.find('\'');
  if (q1 == std::string_view::npos) return std::nullopt;
  const std::size_t q2 = v.find('\'', q1 + 1);
  if (q2 == std::string_view::npos) return std::nullopt;
  const std::string_view charset = v.substr(0, q1);
  const std::string_view enc = v.substr(q2 + 1);
  std::string bytes;
  for (std::size_t i = 0; i < enc.size(); ++i) {
    if (enc[i] != '%') {
      bytes.push_back(enc[i]);
      continue;
    }
    if (i + 2 >= enc.size()) return std::nullopt;
    const int hi = hex_value(enc[i + 1]);
    const int lo = hex_value(enc[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    bytes.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  if (iequals(charset, "utf-8")) {
    if (!is_valid_utf8(bytes)) return std::nullopt;
    return bytes;
  }
  if (iequals(charset, "iso-8859-1")) {
    std::string out;
    for (char c : bytes) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x80) {
        out.push_back(c);
      } else {
        out.push_back(static_cast<char>(0xc0 | (u >> 6)));
        out.push_back(static_cast<char>(0x80 | (u & 0x3f)));
      }
    }
    return out;
  }
  return std::nullopt;
}

// The field name as it may appear in an error sentence: printable ASCII
// only and short, since the sentence may end up in JSON or a log line.
std::string printable_name(std::string_view name) {
  std::string out;
  for (char c : name.substr(0, 64)) out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  if (name.size() > 64) out += "...";
  return out;
}

void strip_directories(std::string& filename) {
  const std::size_t slash = filename.find_last_of("/\\");
  if (slash != std::string::npos) filename.erase(0, slash + 1);
}

// Parses one part's header block ("Name: value\r\n" lines). Returns an error
// sentence, or nullopt on success.
std::optional<std::string> parse_part_headers(std::string_view text, PartHeaders& out) {
  bool have_disposition = false;
  bool have_type = false;
  std::string_view disposition;
  while (!text.empty()) {
    const std::size_t eol = text.find("\r\n");
    if (eol == std::string_view::npos) return "multipart part header block is malformed";
    const std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol + 2);
    if (line.find_first_of("\r\n") != std::string_view::npos) {
      return "multipart part header line has a stray CR or LF";
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return "multipart part header line is not of the form 'Name: value'";
    }
    const std::string_view name = line.substr(0, colon);
    for (char c : name) {
      if (!is_tchar(c)) return "multipart part header name is invalid";
    }
    const std::string_view value = trim_ows(line.substr(colon + 1));
    if (iequals(name, "content-disposition")) {
      if (have_disposition) return "multipart part has more than one Content-Disposition header";
      have_disposition = true;
      disposition = value;
    } else if (iequals(name, "content-type")) {
      if (have_type) return "multipart part has more than one Content-Type header";
      have_type = true;
      if (!value.empty()) out.content_type.assign(value);
    }
    // Other headers (Content-Transfer-Encoding, ...) are ignored (RFC 7578 §4.7).
  }
  if (!have_disposition) return "multipart part has no Content-Disposition header";

  std::string_view type;
  std::vector<Param> params;
  if (!parse_params(disposition, type, params)) {
    return "multipart part Content-Disposition header is malformed";
  }
  if (!iequals(type, "form-data")) return "multipart part Content-Disposition is not form-data";
  const Param* name = find_param(params, "name");
  if (name == nullptr) return "multipart part Content-Disposition has no name";
  out.name = name->value;

  if (const Param* ext = find_param(params, "filename*")) {
    if (auto decoded = decode_ext_value(ext->value)) out.filename = std::move(*decoded);
  }
  if (!out.filename) {
    if (const Param* plain = find_param(params, "filename")) out.filename = plain->value;
  }
  if (out.filename) strip_directories(*out.filename);
  return std::nullopt;
}

}  // namespace

bool is_valid_boundary(std::string_view boundary) {
  if (boundary.empty() || boundary.size() > 70 || boundary.back() == ' ') return false;
  for (char c : boundary) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c != '\0' && std::strchr("'()+_,-./:=? ", c) != nullptr);
    if (!ok) return false;
  }
  return true;
}

std::optional<std::string> boundary_from_content_type(std::string_view content_type) {
  std::string_view type;
  std::vector<Param> params;
  if (!parse_params(content_type, type, params)) return std::nullopt;
  if (!iequals(type, "multipart/form-data")) return std::nullopt;
  const Param* b = find_param(params, "boundary");
  if (b == nullptr || !is_valid_boundary(b->value)) return std::nullopt;
  return b->value;
}

// Where feed() is in the current chunk.
struct Parser::Cursor {
  std::string_view chunk;
  std::size_t pos = 0;
  std::size_t run_start = 0;    // first byte of the pending data run (body)
  std::size_t match_begin = 0;  // where the pending match starts, if in chunk
  bool match_in_carry = false;  // the pending match started in an earlier chunk
};

Parser::Parser(std::string boundary, Limits limits)
    : delimiter_("\r\n--" + boundary), limits_(limits) {
  if (!is_valid_boundary(boundary)) {
    state_ = State::failed;
    error_ = Error{ErrorKind::malformed, "multipart boundary is invalid"};
  }
  // The first delimiter may open the body without a preceding CRLF: pretend
  // the body starts with one.
  carry_ = "\r\n";
  matched_ = 2;
}

std::size_t Parser::buffered_bytes() const noexcept {
  return carry_.size() + carry_out_.size() + header_buf_.size() + field_buf_.size() +
         field_done_.size();
}

void Parser::fail(Result& out, ErrorKind kind, std::string detail) {
  state_ = State::failed;
  error_ = Error{kind, std::move(detail)};
  out.error = error_;
}

Result Parser::feed(std::string_view chunk) {
  Result out;
  if (state_ == State::failed) {
    out.error = error_;
    return out;
  }
  // Views handed out by the previous call expire now.
  if (state_ == State::body && !headers_.empty()) {
    while (headers_.size() > 1) headers_.pop_front();
  } else {
    headers_.clear();
  }
  carry_out_.clear();
  field_done_.clear();

  Cursor c;
  c.chunk = chunk;
  c.match_in_carry = matched_ > 0;
  while (c.pos < chunk.size()) {
    switch (state_) {
      case State::preamble:
      case State::body:
        scan_body(c, out);
        break;
      case State::headers:
        scan_headers(c, out);
        break;
      case State::epilogue:  // ignored, never buffered
      case State::failed:
        return out;
    }
  }
  return out;
}

Result Parser::finish() {
  Result out;
  headers_.clear();
  carry_out_.clear();
  field_done_.clear();
  if (state_ == State::failed) {
    out.error = error_;
  } else if (state_ == State::preamble) {
    fail(out, ErrorKind::malformed, "multipart body has no boundary delimiter");
  } else if (state_ != State::epilogue) {
    fail(out, ErrorKind::malformed, "multipart body has no closing delimiter");
  }
  return out;
}

bool Parser::start_part(Result& out) {
  if (++parts_ > limits_.max_parts) {
    fail(out, ErrorKind::too_many_parts,
         "multipart body has more than " + std::to_string(limits_.max_parts) + " parts");
    return false;
  }
  return true;
}

void Parser::scan_headers(Cursor& c, Result& out) {
  while (c.pos < c.chunk.size()) {
    const char ch = c.chunk[c.pos++];
    header_buf_.push_back(ch);
    if (header_buf_.size() > limits_.max_header_bytes) {
      fail(out, ErrorKind::headers_too_large,
           "multipart part headers exceed " + std::to_string(limits_.max_header_bytes) + " bytes");
      return;
    }
    // Track "\r\n\r\n"; it starts at 2 because the delimiter's CRLF counts,
    // so a part with no header lines ends at the first "\r\n".
    if (ch == '\r') {
      header_crlf_ = header_crlf_ == 2 ? 3 : 1;
    } else if (ch == '\n') {
      header_crlf_ = header_crlf_ == 1 ? 2 : header_crlf_ == 3 ? 4 : 0;
    } else {
      header_crlf_ = 0;
    }
    if (header_crlf_ != 4) continue;

    PartHeaders h;
    const std::string_view text(header_buf_.data(), header_buf_.size() - 2);
    if (auto problem = parse_part_headers(text, h)) {
      fail(out, ErrorKind::malformed, std::move(*problem));
      return;
    }
    header_buf_.clear();
    const bool streamed = h.filename.has_value() || h.name == "file";
    headers_.push_back(std::move(h));
    state_ = State::body;
    c.run_start = c.pos;
    if (streamed) {
      sink_ = Sink::file;
      out.events.push_back(Event{Event::part_begin, &headers_.back(), {}});
    } else {
      sink_ = Sink::field;
      field_buf_.clear();
      field_buffered_ = false;
    }
    return;
  }
}

// Bytes known to belong to the current part's body (a view into the chunk
// or into carry_out_). Fields copy them; file parts pass them on.
void Parser::give_data(std::string_view bytes, Result& out) {
  if (state_ != State::body || bytes.empty()) return;
  if (sink_ == Sink::file) {
    out.events.push_back(Event{Event::file_data, nullptr, bytes});
    return;
  }
  if (field_buf_.size() + bytes.size() > limits_.max_field_bytes) {
    fail(out, ErrorKind::field_too_large,
         "multipart field '" + printable_name(headers_.back().name) + "' exceeds " +
             std::to_string(limits_.max_field_bytes) + " bytes");
    return;
  }
  field_buf_.append(bytes);
  field_buffered_ = true;
}

// Closes the current part; `run` is its last data, a view into the chunk.
void Parser::end_part(std::string_view run, Result& out) {
  const PartHeaders* h = &headers_.back();
  if (sink_ == Sink::file) {
    if (!run.empty()) out.events.push_back(Event{Event::file_data, nullptr, run});
    out.events.push_back(Event{Event::part_end, h, {}});
    return;
  }
  if (field_buf_.size() + run.size() > limits_.max_field_bytes) {
    fail(out, ErrorKind::field_too_large,
         "multipart field '" + printable_name(h->name) + "' exceeds " +
             std::to_string(limits_.max_field_bytes) + " bytes");
    return;
  }
  if (!field_buffered_) {
    // Whole value inside this chunk: no copy.
    out.events.push_back(Event{Event::field, h, run});
    return;
  }
  // Only the part open when this feed began can have buffered bytes, so
  // field_done_ is free: at most one buffered field completes per feed.
  field_buf_.append(run);
  field_done_.swap(field_buf_);
  field_buf_.clear();
  field_buffered_ = false;
  out.events.push_back(Event{Event::field, h, field_done_});
}

void Parser::delimiter_found(Cursor& c, std::size_t match_begin, bool close, Result& out) {
  if (state_ == State::body) {
    std::string_view run;
    if (!c.match_in_carry) run = c.chunk.substr(c.run_start, match_begin - c.run_start);
    end_part(run, out);
    if (state_ == State::failed) return;
  }
  carry_.clear();
  matched_ = 0;
  after_ = After::none;
  padding_ = 0;
  c.match_in_carry = false;
  if (close) {
    out.events.push_back(Event{Event::done, nullptr, {}});
    state_ = State::epilogue;
    return;
  }
  if (!start_part(out)) return;
  state_ = State::headers;
  header_buf_.clear();
  header_crlf_ = 2;
}

void Parser::scan_body(Cursor& c, Result& out) {
  const std::string_view chunk = c.chunk;
  const std::size_t n = chunk.size();
  const std::size_t dlen = delimiter_.size();

  // The pending match turned out to be data. Its bytes in this chunk are
  // already inside the data run; those carried over are handed out here.
  auto mismatch = [&] {
    if (c.match_in_carry) {
      carry_out_.swap(carry_);
      carry_.clear();
      c.match_in_carry = false;
      give_data(carry_out_, out);
    }
    matched_ = 0;
    after_ = After::none;
    padding_ = 0;
  };

  while (c.pos < n && state_ != State::failed) {
    if (matched_ == 0) {
      // Every delimiter starts with CR, and CR appears nowhere else in it
      // (boundaries cannot hold CR), so a failed match never hides a
      // shorter one and we can skip straight to the next CR.
      const void* cr = std::memchr(chunk.data() + c.pos, '\r', n - c.pos);
      if (cr == nullptr) {
        c.pos = n;
        break;
      }
      c.pos = static_cast<std::size_t>(static_cast<const char*>(cr) - chunk.data());
      c.match_begin = c.pos;
      matched_ = 1;
      ++c.pos;
      continue;
    }
    const char ch = chunk[c.pos];
    if (matched_ < dlen) {
      if (ch == delimiter_[matched_]) {
        ++matched_;
        ++c.pos;
      } else {
        mismatch();  // re-examine ch from scratch
      }
      continue;
    }
    // After a full "\r\n--boundary": "--" closes, [padding] CRLF opens the
    // next part, anything else means it was data after all.
    bool advance = false;
    switch (after_) {
      case After::none:
        if (ch == '-') {
          after_ = After::dash;
          advance = true;
        } else if (is_ows(ch)) {
          after_ = After::padding;
          padding_ = 1;
          advance = true;
        } else if (ch == '\r') {
          after_ = After::cr;
          advance = true;
        }
        break;
      case After::dash:
        if (ch == '-') {
          const std::size_t begin = c.match_begin;
          ++c.pos;
          delimiter_found(c, begin, true, out);
          return;
        }
        break;
      case After::padding:
        if (is_ows(ch)) {
          advance = ++padding_ <= kMaxPadding;
        } else if (ch == '\r') {
          after_ = After::cr;
          advance = true;
        }
        break;
      case After::cr:
        if (ch == '\n') {
          const std::size_t begin = c.match_begin;
          ++c.pos;
          delimiter_found(c, begin, false, out);
          return;
        }
        break;
    }
    if (advance) {
      ++matched_;
      ++c.pos;
    } else {
      mismatch();
    }
  }
  if (state_ == State::failed || c.pos < n) return;

  // End of chunk: hand out the data run, keep a pending match as carry.
  std::string_view run;
  if (matched_ == 0) {
    run = chunk.substr(c.run_start);
  } else if (c.match_in_carry) {
    carry_.append(chunk);  // the whole chunk continued the carried match
  } else {
    run = chunk.substr(c.run_start, c.match_begin - c.run_start);
    carry_.assign(chunk.substr(c.match_begin));
    c.match_in_carry = true;
  }
  give_data(run, out);
}

}  // namespace keel::multipart
