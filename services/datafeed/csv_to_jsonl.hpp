#pragma once
// A partner's CSV turned into JSON Lines as it streams: pure code, fed
// arbitrary chunks, holding one record at most (plus the bytes of a line
// end or a multi-byte character split across chunks).
//
// Parsing follows RFC 4180 with Python csv.reader's default dialect for
// what it leaves open (a quote inside an unquoted field is literal; text
// after a closing quote is appended; spaces are kept). UTF-8 BOM stripped;
// CRLF, LF and lone CR end lines; blank lines (no characters at all) are
// skipped anywhere; whitespace-only lines are records. Line numbers are
// physical and 1-based (the header is line 1).
//
// Each record becomes one line: a JSON object whose keys are the header
// names in order and whose values are the fields as strings, UTF-8 as is,
// escaping only '"', '\\' and control characters, ended by '\n'.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace keel::datafeed {

enum class Encoding { utf8, windows_1252, latin_1 };
// "utf-8"/"utf8", "windows-1252"/"cp1252", "latin-1"/"latin1"/"iso-8859-1",
// case-insensitive; nothing for anything else.
std::optional<Encoding> parse_encoding(std::string_view name);
// ",", ";", "|", "tab" or a tab character; nothing for anything else.
std::optional<char> parse_delimiter(std::string_view name);

enum class BadReason { field_count, invalid_utf8, field_too_long, unterminated_quote };
std::string_view reason_name(BadReason reason);  // "field_count", ...

// A skipped record: where it started (physical line), why, and a short
// human-readable detail ("expected 5 fields, got 3").
struct BadRow {
  std::uint64_t line = 0;
  BadReason reason = BadReason::field_count;
  std::string detail;
};

struct CsvOptions {
  char delimiter = ',';
  Encoding encoding = Encoding::utf8;
  std::size_t max_field_bytes = 1024 << 10;  // of a value's UTF-8, after transcoding
  std::size_t keep_errors = 100;             // first_errors() keeps this many
};

// A record is held whole until its line ends: one longer than this (its
// values' UTF-8, summed, checked between fields) is bad too
// (field_too_long), so memory stays bounded whatever the number of columns.
inline std::size_t max_record_bytes(const CsvOptions& o) { return 4 * o.max_field_bytes; }

// The JSONL byte offset of every kIndexStride-th record (0, 1024, 2048, ...)
// goes to the sparse index.
inline constexpr std::uint64_t kIndexStride = 1024;

class CsvToJsonl {
 public:
  explicit CsvToJsonl(CsvOptions options);
  ~CsvToJsonl();
  CsvToJsonl(const CsvToJsonl&) = delete;
  CsvToJsonl& operator=(const CsvToJsonl&) = delete;

  // Converts the next piece of the CSV. Complete records are appended to
  // `out` as JSONL lines (the caller writes and clears it between calls);
  // for every record whose 0-based number is a multiple of kIndexStride,
  // its byte offset in the whole JSONL output is appended to `index`.
  void feed(std::string_view chunk, std::string& out, std::vector<std::uint64_t>& index);
  // The input ended: the last record (without a line end) is converted; an
  // open quoted field makes it bad (unterminated_quote).
  void finish(std::string& out, std::vector<std::uint64_t>& index);

  // Set once the header line is complete. A header that is itself bad
  // (invalid UTF-8, an over-long name, an unterminated quote) is not a
  // header: header_error() says why and nothing else is converted.
  bool has_header() const;
  std::optional<std::string> header_error() const;
  // Header names, made unique: an empty one becomes column_N (1-based
  // position), duplicates get _2, _3, ... until unique. Case-sensitive,
  // untrimmed.
  const std::vector<std::string>& columns() const;

  std::uint64_t records() const;      // converted so far
  std::uint64_t bad_rows() const;     // skipped so far
  std::uint64_t jsonl_bytes() const;  // appended to `out` so far, in total
  const std::vector<BadRow>& first_errors() const;

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace keel::datafeed
