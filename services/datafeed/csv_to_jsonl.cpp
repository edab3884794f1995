#include "services/datafeed/csv_to_jsonl.hpp"

#include "http/text/ascii.hpp"
#include "http/text/utf8.hpp"
#include "services/datafeed/json_escape.hpp"
#include "services/datafeed/transcode.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <bit>
#include <limits>
#include <unordered_map>
#include <unordered_set>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace keel::datafeed {

std::optional<Encoding> parse_encoding(std::string_view name) {
  using text::iequals;
  if (iequals(name, "utf-8") || iequals(name, "utf8")) return Encoding::utf8;
  if (iequals(name, "windows-1252") || iequals(name, "cp1252")) return Encoding::windows_1252;
  if (iequals(name, "latin-1") || iequals(name, "latin1") || iequals(name, "iso-8859-1")) return Encoding::latin_1;
  return std::nullopt;
}

std::optional<char> parse_delimiter(std::string_view name) {
  if (name == "," || name == ";" || name == "|" || name == "\t") return name[0];
  if (text::iequals(name, "tab")) return '\t';
  return std::nullopt;
}

std::string_view reason_name(BadReason reason) {
  switch (reason) {
    case BadReason::field_count:
      return "field_count";
    case BadReason::invalid_utf8:
      return "invalid_utf8";
    case BadReason::field_too_long:
      return "field_too_long";
    case BadReason::unterminated_quote:
      return "unterminated_quote";
  }
  return "unknown";
}

namespace {

// Where the parser stands between two bytes (Python's csv.reader states,
// plus skip_line after an unterminated quote and dead after a bad header).
enum class State : unsigned char { record_start, field_start, unquoted, quoted, quote_in_quoted, skip_line, dead };

constexpr unsigned char kBom[3] = {0xEF, 0xBB, 0xBF};

// The first byte from p on that ends a run of plain content: a control
// character, '"', '\\', the delimiter when `delim` (outside quotes) and
// the high half when `high` (transcoding); end when there is none. 16
// bytes at a time where SSE2 is there (x86-64 always), then the table.
inline const char* find_stop(const char* p, const char* end, const std::array<bool, 256>& table, char delim,
                             bool outside_quotes, bool high) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i ctl_max = _mm_set1_epi8(0x1F);
  const __m128i sep = _mm_set1_epi8(outside_quotes ? delim : '"');
  while (end - p >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                                     _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(v, ctl_max), v), _mm_cmpeq_epi8(v, sep)));
    unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(hit));
    if (high) mask |= static_cast<unsigned>(_mm_movemask_epi8(v));
    if (mask != 0) return p + std::countr_zero(mask);
    p += 16;
  }
#else
  (void)delim;
  (void)outside_quotes;
  (void)high;
#endif
  while (p < end && !table[static_cast<unsigned char>(*p)]) ++p;
  return p;
}

}  // namespace

struct CsvToJsonl::Impl {
  explicit Impl(CsvOptions o) : opt(o) {
    if (opt.encoding == Encoding::latin_1) high = &latin1_to_utf8();
    if (opt.encoding == Encoding::windows_1252) high = &windows1252_to_utf8();
    // The bytes that end a run of plain content: line ends, the quote, the
    // bytes JSON escapes and, when transcoding, the high half; outside
    // quotes also the delimiter.
    for (int c = 0; c < 256; ++c) {
      const bool special = !json_escape(static_cast<unsigned char>(c)).empty() || (high && c >= 0x80);
      stop_quoted[c] = special;
      stop_unquoted[c] = special || c == static_cast<unsigned char>(opt.delimiter);
    }
    dst = &header_buf;
  }

  CsvOptions opt;
  const HighHalf* high = nullptr;  // null: UTF-8 in, validated per record
  std::array<bool, 256> stop_quoted{};
  std::array<bool, 256> stop_unquoted{};

  State state = State::record_start;
  unsigned bom_matched = 0;  // bytes of a leading BOM seen so far
  bool bom_done = false;
  bool prev_cr = false;  // the byte before this run was CR (a CRLF split across chunks)
  std::uint64_t line = 1;

  // Header.
  bool header_done = false;
  std::optional<std::string> header_error;
  std::string header_buf;  // the header record as a JSON array, while it is read
  std::vector<std::string> columns;
  std::vector<std::string> prefixes;  // {"a":"  ","b":"  ... (escaped, one per column)
  std::size_t ncols = std::numeric_limits<std::size_t>::max();

  // The record being built, in *dst from rec_start (the caller's `out`
  // once the header is read); between feeds its bytes wait in carry.
  std::string* dst = nullptr;
  std::size_t rec_start = 0;
  std::string carry;
  std::uint64_t rec_line = 0;
  std::size_t fields = 0;
  std::size_t field_len = 0;              // UTF-8 bytes of the current value (unescaped)
  std::size_t rec_len = 0;                // ... of the whole record so far
  std::vector<std::size_t> field_starts;  // of each value written, from rec_start
  bool writing = false;                   // neither bad nor past the header's column count
  std::optional<BadReason> bad;
  std::string bad_detail;

  std::uint64_t records = 0;
  std::uint64_t bad_rows = 0;
  std::uint64_t jsonl_bytes = 0;
  std::vector<BadRow> errors;
  std::string* out = nullptr;  // the caller's, during a feed
  std::vector<std::uint64_t>* index = nullptr;

  bool in_record() const {
    return state == State::field_start || state == State::unquoted || state == State::quoted ||
           state == State::quote_in_quoted;
  }

  void begin_record() {
    rec_line = line;
    rec_start = dst->size();
    fields = 0;
    rec_len = 0;
    bad.reset();
    writing = true;
  }

  void begin_field() {
    check_record_length();
    ++fields;
    field_len = 0;
    if (fields > ncols) writing = false;
    if (!writing) return;
    if (header_done) {
      dst->append(prefixes[fields - 1]);
    } else {
      dst->append(fields == 1 ? "[\"" : "\",\"");
    }
    if (fields > field_starts.size()) field_starts.resize(fields);  // the header only
    field_starts[fields - 1] = dst->size() - rec_start;
  }

  // The record is bad: what it built so far goes. An unterminated quote
  // outranks what was found before it (it decides where the record ends).
  [[gnu::cold]] void set_bad(BadReason reason, std::string detail) {
    if (bad && reason != BadReason::unterminated_quote) return;
    bad = reason;
    bad_detail = std::move(detail);
    writing = false;
    dst->resize(rec_start);
  }

  // "field 3 (price)" for a detail; a long name is cut (on a character
  // boundary) so that a detail stays short.
  [[gnu::cold]] std::string field_name(std::size_t i) const {  // 0-based
    std::string s = "field " + std::to_string(i + 1);
    if (!header_done || i >= columns.size()) return s;
    std::string_view name = columns[i];
    constexpr std::size_t kMax = 40;
    if (name.size() > kMax) {
      std::size_t cut = kMax;
      while (cut > 0 && text::is_utf8_continuation(name[cut])) --cut;
      return s + " (" + std::string(name.substr(0, cut)) + "...)";
    }
    return s + " (" + std::string(name) + ")";
  }

  // Adds n bytes to the current value's length; false (and the record bad)
  // when that makes it too long. An open quoted field too long is taken
  // for an unterminated quote: the caller skips to the next line end.
  bool grow(std::size_t n, bool quoted) {
    field_len += n;
    rec_len += n;
    if (field_len <= opt.max_field_bytes) [[likely]]
      return true;
    return too_long(quoted);
  }

  // Many fields, each within the limit, could still make one huge record:
  // a record is held whole until its line ends, so it is bounded too. Checked
  // where a field starts and where the record ends -- never inside a field,
  // so the outcome cannot depend on where the chunks split -- which holds a
  // record to max_record_bytes plus one field.
  void check_record_length() {
    if (rec_len > max_record_bytes(opt) && !bad) [[unlikely]]
      set_bad(BadReason::field_too_long, "record longer than " + std::to_string(max_record_bytes(opt)) + " bytes");
  }

  [[gnu::cold]] bool too_long(bool quoted) {
    if (quoted) {
      set_bad(BadReason::unterminated_quote,
              "quoted field still open after " + std::to_string(opt.max_field_bytes) + " bytes");
    } else if (!bad) {
      set_bad(BadReason::field_too_long,
              field_name(fields - 1) + " longer than " + std::to_string(opt.max_field_bytes) + " bytes");
    }
    return false;
  }

  void content(const char* s, std::size_t n, bool quoted) {
    if (grow(n, quoted) && writing) dst->append(s, n);
  }

  // One byte that is not copied as is: a JSON escape, or a high byte to
  // transcode. False when it made the value too long.
  bool special(unsigned char c, bool quoted) {
    if (c >= 0x80) {
      const Utf8Form& f = (*high)[c - 0x80];
      if (!grow(f.len, quoted)) return false;
      if (writing) dst->append(f.bytes, f.len);
      return true;
    }
    if (!grow(1, quoted)) return false;
    if (writing) dst->append(json_escape(c));
    return true;
  }

  [[gnu::cold]] void report(BadReason reason, std::string detail) {
    ++bad_rows;
    if (errors.size() < opt.keep_errors) errors.push_back({rec_line, reason, std::move(detail)});
  }

  void end_record() {
    check_record_length();
    if (!header_done) return end_header();
    if (!bad && fields != ncols) {
      set_bad(BadReason::field_count, "expected " + std::to_string(ncols) + " fields, got " + std::to_string(fields));
    }
    if (!bad) {
      dst->append("\"}\n");
      if (!high) {
        const std::string_view rec(dst->data() + rec_start, dst->size() - rec_start);
        const std::size_t at = text::first_invalid_utf8(rec);
        if (at != std::string_view::npos) {
          std::size_t i = 0;
          while (i + 1 < fields && field_starts[i + 1] <= at) ++i;
          set_bad(BadReason::invalid_utf8, "invalid UTF-8 in " + field_name(i));
        }
      }
    }
    if (bad) {
      report(*bad, std::move(bad_detail));
    } else {
      if (records % kIndexStride == 0) index->push_back(jsonl_bytes);
      jsonl_bytes += dst->size() - rec_start;
      ++records;
    }
    rec_start = dst->size();
  }

  [[gnu::cold]] void fail_header(std::string why) {
    header_error = std::move(why);
    state = State::dead;
    header_buf = std::string();
  }

  [[gnu::cold]] void end_header() {
    if (bad) return fail_header("bad header: " + bad_detail);
    header_buf.append("\"]");
    if (text::first_invalid_utf8(header_buf) != std::string_view::npos) {
      return fail_header("bad header: invalid UTF-8");
    }
    std::vector<std::string> names = nlohmann::json::parse(header_buf).get<std::vector<std::string>>();
    header_buf = std::string();
    // Empty names become column_N; then every repeat takes the first free
    // name_2, name_3, ... that is neither taken nor another header name.
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i].empty()) names[i] = "column_" + std::to_string(i + 1);
    }
    // Each name's next suffix is remembered, so a header of many repeats
    // stays linear.
    const std::unordered_set<std::string> given(names.begin(), names.end());
    std::unordered_set<std::string> taken;
    std::unordered_map<std::string, std::size_t> next_suffix;
    for (std::string& name : names) {
      if (taken.insert(name).second) continue;
      std::size_t& k = next_suffix.try_emplace(name, 2).first->second;
      for (;; ++k) {
        std::string candidate = name + "_" + std::to_string(k);
        if (!given.contains(candidate) && taken.insert(candidate).second) {
          name = std::move(candidate);
          break;
        }
      }
    }
    columns = std::move(names);
    ncols = columns.size();
    for (std::size_t i = 0; i < ncols; ++i) {
      std::string p = i == 0 ? "{\"" : "\",\"";
      append_json_escaped(p, columns[i]);
      p += "\":\"";
      prefixes.push_back(std::move(p));
    }
    header_done = true;
    dst = out;
    rec_start = dst->size();
  }

  // Line ends and the CRLF pair: CR ends a line, and so does an LF that
  // does not follow a CR.
  void line_end(char c, bool after_cr) {
    if (c == '\r' || !after_cr) ++line;
  }

  // The record ends (at a line end or the end of the input).
  void close_record() {
    end_record();
    if (state != State::dead) state = State::record_start;
  }

  void run(const char* const begin, const char* const end);
  void feed_bytes(const char* begin, const char* end);
  void begin_feed(std::string& o, std::vector<std::uint64_t>& i);
  void end_feed();
};

void CsvToJsonl::Impl::run(const char* const begin, const char* const end) {
  const char* p = begin;
  const auto after_cr = [&](const char* at) { return at > begin ? at[-1] == '\r' : prev_cr; };
  while (p < end) {
    switch (state) {
      case State::record_start: {
        const char c = *p;
        if (c == '\r' || c == '\n') {  // a blank line, or the LF of a CRLF
          line_end(c, after_cr(p));
          ++p;
          break;
        }
        begin_record();
        state = State::field_start;
        break;
      }
      case State::field_start:
        begin_field();
        if (*p == '"') {
          state = State::quoted;
          ++p;
        } else {
          state = State::unquoted;
        }
        break;
      case State::unquoted: {
        const char* s = p;
        p = find_stop(p, end, stop_unquoted, opt.delimiter, true, high != nullptr);
        if (p != s) content(s, static_cast<std::size_t>(p - s), false);
        if (p == end) break;
        const char c = *p++;
        if (c == opt.delimiter) {
          state = State::field_start;
        } else if (c == '\r' || c == '\n') {
          line_end(c, false);
          close_record();
        } else {
          special(static_cast<unsigned char>(c), false);
        }
        break;
      }
      case State::quoted: {
        const char* s = p;
        p = find_stop(p, end, stop_quoted, opt.delimiter, false, high != nullptr);
        if (p != s) {
          content(s, static_cast<std::size_t>(p - s), true);
          if (bad == BadReason::unterminated_quote) {
            state = State::skip_line;
            break;
          }
        }
        if (p == end) break;
        const char c = *p;
        if (c == '"') {
          state = State::quote_in_quoted;
          ++p;
          break;
        }
        if (!special(static_cast<unsigned char>(c), true)) {
          state = State::skip_line;  // from this byte: it may be the line end itself
          break;
        }
        if (c == '\r' || c == '\n') line_end(c, after_cr(p));
        ++p;
        break;
      }
      case State::quote_in_quoted:
        if (*p == '"') {  // "" inside quotes: one literal quote
          if (!special('"', true)) {
            state = State::skip_line;
            break;
          }
          state = State::quoted;
          ++p;
        } else {  // the delimiter, a line end, or text appended after the closing quote
          state = State::unquoted;
        }
        break;
      case State::skip_line: {
        while (p < end && *p != '\r' && *p != '\n') ++p;
        if (p == end) break;
        line_end(*p, after_cr(p));
        ++p;
        close_record();
        break;
      }
      case State::dead:
        p = end;
        break;
    }
  }
  if (end > begin) prev_cr = end[-1] == '\r';
}

// Strips a UTF-8 BOM at the very start (its bytes may come in separate
// chunks; a partial match that fails is parsed as data).
void CsvToJsonl::Impl::feed_bytes(const char* begin, const char* end) {
  while (!bom_done && begin < end) {
    if (static_cast<unsigned char>(*begin) != kBom[bom_matched]) {
      bom_done = true;
      const unsigned matched = bom_matched;
      bom_matched = 0;
      run(reinterpret_cast<const char*>(kBom), reinterpret_cast<const char*>(kBom) + matched);
      break;
    }
    ++begin;
    if (++bom_matched == 3) bom_done = true;
  }
  run(begin, end);
}

CsvToJsonl::CsvToJsonl(CsvOptions options) : impl_(new Impl(options)) {}
CsvToJsonl::~CsvToJsonl() { delete impl_; }

void CsvToJsonl::Impl::begin_feed(std::string& o, std::vector<std::uint64_t>& i) {
  out = &o;
  index = &i;
  if (!header_done) return;
  dst = &o;
  rec_start = o.size();
  o.append(carry);
  carry.clear();
}

void CsvToJsonl::Impl::end_feed() {
  if (header_done) {
    // The open record waits for the next chunk: out holds whole lines only.
    if (in_record()) carry.assign(*out, rec_start);
    out->resize(rec_start);
  }
  dst = &header_buf;
  out = nullptr;
  index = nullptr;
}

void CsvToJsonl::feed(std::string_view chunk, std::string& out, std::vector<std::uint64_t>& index) {
  impl_->begin_feed(out, index);
  impl_->feed_bytes(chunk.data(), chunk.data() + chunk.size());
  impl_->end_feed();
}

void CsvToJsonl::finish(std::string& out, std::vector<std::uint64_t>& index) {
  Impl& m = *impl_;
  m.begin_feed(out, index);
  if (!m.bom_done && m.bom_matched > 0) {  // the whole input was the start of a BOM: it is data
    const char* b = reinterpret_cast<const char*>(kBom);
    m.bom_done = true;
    m.run(b, b + m.bom_matched);
    m.bom_matched = 0;
  }
  switch (m.state) {
    case State::field_start:
      m.begin_field();  // "a," at the end: the last field is empty
      m.close_record();
      break;
    case State::unquoted:
    case State::quote_in_quoted:
    case State::skip_line:  // after an unterminated quote: the record is reported here
      m.close_record();
      break;
    case State::quoted:
      m.set_bad(BadReason::unterminated_quote, "quoted field still open at the end of the input");
      m.close_record();
      break;
    case State::record_start:
    case State::dead:
      break;
  }
  m.end_feed();
}

bool CsvToJsonl::has_header() const { return impl_->header_done; }
std::optional<std::string> CsvToJsonl::header_error() const { return impl_->header_error; }
const std::vector<std::string>& CsvToJsonl::columns() const { return impl_->columns; }
std::uint64_t CsvToJsonl::records() const { return impl_->records; }
std::uint64_t CsvToJsonl::bad_rows() const { return impl_->bad_rows; }
std::uint64_t CsvToJsonl::jsonl_bytes() const { return impl_->jsonl_bytes; }
const std::vector<BadRow>& CsvToJsonl::first_errors() const { return impl_->errors; }

}  // namespace keel::datafeed
