#include "services/multipart/parser.hpp"

#include "http/text/ascii.hpp"
#include "http/text/header_params.hpp"

#include <cstring>
#include <utility>

namespace keel::multipart {
namespace {

// Whitespace allowed between a boundary and its CRLF (RFC 2046
// transport-padding). Capped so a pending match stays small; more than this
// and the "\r\n--boundary" is taken as ordinary data.
constexpr std::size_t kMaxPadding = 32;

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
      if (!text::is_tchar(c)) return "multipart part header name is invalid";
    }
    const std::string_view value = text::trim(line.substr(colon + 1));
    if (text::iequals(name, "content-disposition")) {
      if (have_disposition) return "multipart part has more than one Content-Disposition header";
      have_disposition = true;
      disposition = value;
    } else if (text::iequals(name, "content-type")) {
      if (have_type) return "multipart part has more than one Content-Type header";
      have_type = true;
      if (!value.empty()) out.content_type.assign(value);
    }
    // Other headers (Content-Transfer-Encoding, ...) are ignored (RFC 7578 §4.7).
  }
  if (!have_disposition) return "multipart part has no Content-Disposition header";

  const auto header = text::parse_param_header(disposition);
  if (!header) return "multipart part Content-Disposition header is malformed";
  if (!text::iequals(header->value, "form-data")) return "multipart part Content-Disposition is not form-data";
  const text::HeaderParam* name = header->find("name");
  if (name == nullptr) return "multipart part Content-Disposition has no name";
  out.name = name->value;

  auto filename = text::disposition_filename(*header);
  if (filename.problem) return "multipart part Content-Disposition " + *filename.problem;
  out.filename = std::move(filename.name);
  if (out.filename) strip_directories(*out.filename);
  return std::nullopt;
}

}  // namespace

std::optional<std::string> boundary_from_content_type(std::string_view content_type) {
  const auto header = text::parse_param_header(content_type);
  if (!header || !text::iequals(header->value, "multipart/form-data")) return std::nullopt;
  const text::HeaderParam* b = header->find("boundary");
  if (b == nullptr || !text::valid_multipart_boundary(b->value)) return std::nullopt;
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

Parser::Parser(std::string boundary, Limits limits) : delimiter_("\r\n--" + boundary), limits_(limits) {
  if (!text::valid_multipart_boundary(boundary)) {
    state_ = State::failed;
    error_ = Error{ErrorKind::malformed, "multipart boundary is invalid"};
  }
  // The first delimiter may open the body without a preceding CRLF: pretend
  // the body starts with one.
  carry_ = "\r\n";
  matched_ = 2;
}

std::size_t Parser::buffered_bytes() const noexcept {
  return carry_.size() + carry_out_.size() + header_buf_.size() + field_buf_.size() + field_done_.size();
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
         "multipart field '" + printable_name(h->name) + "' exceeds " + std::to_string(limits_.max_field_bytes) +
             " bytes");
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
        } else if (text::is_ows(ch)) {
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
        if (text::is_ows(ch)) {
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
