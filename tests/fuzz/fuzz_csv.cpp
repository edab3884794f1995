// libFuzzer target for keel::datafeed::CsvToJsonl.
//
// Input layout: byte 0 picks the options (bits 0-1 the delimiter, 2-3 the
// encoding, bit 4 a small max_field_bytes from bits 5-7), byte 1 seeds the
// split point and chunk sizes, the rest is the CSV. Checked, beyond "no
// crash": one chunk, two chunks split anywhere and pseudo-random chunks
// give the same outcome; out holds whole lines after every feed; every line
// is a JSON object with exactly the header's keys and string values; the
// counts, the index and the error lines agree with the lines.

#include "services/datafeed/csv_to_jsonl.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

namespace df = keel::datafeed;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

struct Outcome {
  std::string jsonl;
  std::vector<std::uint64_t> index;
  std::vector<std::string> errors;
  std::vector<std::string> columns;
  bool has_header = false;
  std::string header_error;
  std::uint64_t records = 0, bad_rows = 0, jsonl_bytes = 0;
  bool operator==(const Outcome&) const = default;
};

Outcome run(std::string_view csv, const df::CsvOptions& options, const std::vector<std::size_t>& sizes) {
  df::CsvToJsonl c(options);
  Outcome o;
  std::string out;
  std::size_t at = 0, i = 0;
  while (at < csv.size()) {
    const std::size_t n = std::min(sizes.empty() ? csv.size() : sizes[i++ % sizes.size()], csv.size() - at);
    const std::string chunk(csv.substr(at, n));  // own copy: stale views would be caught by ASan
    at += n;
    c.feed(chunk, out, o.index);
    check(out.empty() || out.back() == '\n');
    o.jsonl += out;
    out.clear();
  }
  c.finish(out, o.index);
  o.jsonl += out;
  for (const df::BadRow& e : c.first_errors()) {
    o.errors.push_back(std::to_string(e.line) + " " + std::string(df::reason_name(e.reason)) + " " + e.detail);
  }
  o.columns = c.columns();
  o.has_header = c.has_header();
  o.header_error = c.header_error().value_or("");
  o.records = c.records();
  o.bad_rows = c.bad_rows();
  o.jsonl_bytes = c.jsonl_bytes();
  return o;
}

void check_lines(const Outcome& o, const df::CsvOptions& options) {
  check(o.jsonl_bytes == o.jsonl.size());
  if (!o.has_header) check(o.jsonl.empty() && o.records == 0 && o.bad_rows == 0 && o.columns.empty());
  if (!o.header_error.empty()) check(!o.has_header);
  std::uint64_t n = 0;
  std::size_t at = 0;
  while (at < o.jsonl.size()) {
    const std::size_t nl = o.jsonl.find('\n', at);
    check(nl != std::string::npos);
    if (n % df::kIndexStride == 0) check(n / df::kIndexStride < o.index.size() && o.index[n / df::kIndexStride] == at);
    const auto j = nlohmann::json::parse(o.jsonl.begin() + at, o.jsonl.begin() + nl, nullptr, false);
    check(j.is_object() && j.size() == o.columns.size());
    std::size_t k = 0;
    for (auto it = j.begin(); it != j.end(); ++it, ++k) {
      check(it.value().is_string());
      check(it.value().get_ref<const std::string&>().size() <= options.max_field_bytes);
    }
    for (const std::string& name : o.columns) check(j.contains(name));
    at = nl + 1;
    ++n;
  }
  check(n == o.records);
  check(o.index.size() == (o.records + df::kIndexStride - 1) / df::kIndexStride);
  check(o.errors.size() == std::min<std::uint64_t>(o.bad_rows, options.keep_errors));
  std::uint64_t last = 0;
  for (const std::string& e : o.errors) {
    const std::uint64_t line = std::strtoull(e.c_str(), nullptr, 10);
    check(line > last && line >= 2);  // records start on lines of their own, after the header
    last = line;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const unsigned pick = data[0];
  const unsigned seed = data[1];
  const std::string_view csv(reinterpret_cast<const char*>(data) + 2, size - 2);

  df::CsvOptions options;
  options.delimiter = ",;\t|"[pick & 3];
  const df::Encoding encodings[] = {df::Encoding::utf8, df::Encoding::windows_1252, df::Encoding::latin_1,
                                    df::Encoding::utf8};
  options.encoding = encodings[(pick >> 2) & 3];
  if (pick & 16) options.max_field_bytes = 1 + (pick >> 5) * 3;
  options.keep_errors = 1 + seed % 8;

  const Outcome whole = run(csv, options, {});
  check_lines(whole, options);

  const std::size_t cut = csv.empty() ? 0 : (seed * 2654435761u) % (csv.size() + 1);
  check(run(csv, options, {cut == 0 ? csv.size() : cut, csv.size()}) == whole);

  std::vector<std::size_t> sizes;
  std::uint32_t x = seed * 2654435761u + 1;
  for (int k = 0; k < 16; ++k) {
    x = x * 1664525u + 1013904223u;
    sizes.push_back(1 + (x >> 16) % (1 + seed % 23));
  }
  check(run(csv, options, sizes) == whole);
  if (csv.size() <= 4096) check(run(csv, options, {1}) == whole);
  return 0;
}
