#include "services/datafeed/csv_to_jsonl.hpp"
#include "services/datafeed/json_escape.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace df = keel::datafeed;
using namespace std::string_literals;

namespace {

// Everything the converter tells, so that two runs compare in one ==.
struct Outcome {
  std::string jsonl;
  std::vector<std::uint64_t> index;
  std::vector<std::string> errors;  // "line reason detail"
  std::vector<std::string> columns;
  bool has_header = false;
  std::string header_error;
  std::uint64_t records = 0;
  std::uint64_t bad_rows = 0;
  std::uint64_t jsonl_bytes = 0;
  bool operator==(const Outcome&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
  os << "jsonl=[" << o.jsonl << "] records=" << o.records << " bad=" << o.bad_rows << " header_error=["
     << o.header_error << "] columns=";
  for (const auto& c : o.columns) os << "[" << c << "]";
  for (const auto& e : o.errors) os << "\n  error " << e;
  return os;
}

// Feeds `csv` in pieces of the given sizes (the last one repeated), or
// split at one point, and collects the outcome.
Outcome convert_pieces(std::string_view csv, const df::CsvOptions& options, const std::vector<std::size_t>& cuts) {
  df::CsvToJsonl c(options);
  Outcome o;
  std::string out;
  std::size_t at = 0;
  for (std::size_t cut : cuts) {
    const std::string piece(csv.substr(at, cut - at));  // own copy: no view into the rest
    c.feed(piece, out, o.index);
    EXPECT_TRUE(out.empty() || out.back() == '\n') << "out must hold whole lines";
    o.jsonl += out;
    out.clear();
    at = cut;
  }
  const std::string last(csv.substr(at));
  c.feed(last, out, o.index);
  o.jsonl += out;
  out.clear();
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

Outcome convert(std::string_view csv, const df::CsvOptions& options = {}) { return convert_pieces(csv, options, {}); }

// One chunk, every split into two chunks, and one byte at a time must all
// give the same outcome.
void expect_split_invariant(std::string_view csv, const df::CsvOptions& options, const std::string& what) {
  const Outcome whole = convert(csv, options);
  for (std::size_t cut = 0; cut <= csv.size(); ++cut) {
    ASSERT_EQ(convert_pieces(csv, options, {cut}), whole) << what << ": split at " << cut;
  }
  std::vector<std::size_t> bytes;
  for (std::size_t i = 1; i < csv.size(); ++i) bytes.push_back(i);
  ASSERT_EQ(convert_pieces(csv, options, bytes), whole) << what << ": one byte at a time";
}

df::CsvOptions opts(char delimiter = ',', df::Encoding encoding = df::Encoding::utf8, std::size_t max_field = 1 << 20) {
  df::CsvOptions o;
  o.delimiter = delimiter;
  o.encoding = encoding;
  o.max_field_bytes = max_field;
  return o;
}

struct Case {
  const char* name;
  std::string csv;
  df::CsvOptions options;
  std::string jsonl;                      // expected lines
  std::vector<std::string> errors;        // "line reason" (the detail is not compared here)
  std::vector<std::string> columns = {};  // compared when not empty
  bool header = true;
};

// The partner edge cases: every parsing rule of the contract.
const std::vector<Case>& edge_cases() {
  static const std::vector<Case> cases = {
      {"empty input", "", opts(), "", {}, {}, false},
      {"only blank lines", "\n\r\n\r", opts(), "", {}, {}, false},
      {"only a BOM", "\xEF\xBB\xBF", opts(), "", {}, {}, false},
      {"header only", "a,b\n", opts(), "", {}, {"a", "b"}},
      {"header only without newline", "a,b", opts(), "", {}, {"a", "b"}},
      {"simple",
       "a,b\n1,2\n",
       opts(),
       R"({"a":"1","b":"2"})"
       "\n",
       {}},
      {"BOM stripped",
       "\xEF\xBB\xBF"
       "a,b\n1,2\n",
       opts(),
       R"({"a":"1","b":"2"})"
       "\n",
       {},
       {"a", "b"}},
      {"CRLF",
       "a,b\r\n1,2\r\n3,4\r\n",
       opts(),
       R"({"a":"1","b":"2"})"
       "\n"
       R"({"a":"3","b":"4"})"
       "\n",
       {}},
      {"lone CR",
       "a,b\r1,2\r3,4",
       opts(),
       R"({"a":"1","b":"2"})"
       "\n"
       R"({"a":"3","b":"4"})"
       "\n",
       {}},
      {"mixed line ends",
       "a,b\n1,2\r\n3,4\r5,6",
       opts(),
       R"({"a":"1","b":"2"})"
       "\n"
       R"({"a":"3","b":"4"})"
       "\n"
       R"({"a":"5","b":"6"})"
       "\n",
       {}},
      {"missing final newline",
       "a,b\n1,2",
       opts(),
       R"({"a":"1","b":"2"})"
       "\n",
       {}},
      {"quoted newline",
       "a,b\n\"x\ny\",2\nz,3\n",
       opts(),
       R"({"a":"x\ny","b":"2"})"
       "\n"
       R"({"a":"z","b":"3"})"
       "\n",
       {}},
      {"quoted CRLF and CR",
       "a,b\r\n\"x\r\ny\rz\",1\r\nbad\r\n",
       opts(),
       R"({"a":"x\r\ny\rz","b":"1"})"
       "\n",
       {"5 field_count"}},
      {"doubled quotes",
       "a\n\"he said \"\"hi\"\"\"\n\"\"\"\"\n",
       opts(),
       R"({"a":"he said \"hi\""})"
       "\n"
       R"({"a":"\""})"
       "\n",
       {}},
      {"empty fields",
       "a,b,c\n,,\n\"\",,\"\"\n",
       opts(),
       R"({"a":"","b":"","c":""})"
       "\n"
       R"({"a":"","b":"","c":""})"
       "\n",
       {}},
      {"trailing delimiter",
       "a,b,\n1,2,\n",
       opts(),
       R"({"a":"1","b":"2","column_3":""})"
       "\n",
       {},
       {"a", "b", "column_3"}},
      {"trailing delimiter at the end of the input",
       "a,b\n1,",
       opts(),
       R"({"a":"1","b":""})"
       "\n",
       {}},
      {"blank lines before the header and between rows",
       "\n\r\n\na,b\n\n1,2\r\n\r\n3,4\n\n\r",
       opts(),
       R"({"a":"1","b":"2"})"
       "\n"
       R"({"a":"3","b":"4"})"
       "\n",
       {}},
      {"line numbers count blank lines",
       "\n\na,b\n\n1\n1,2\n",
       opts(),
       R"({"a":"1","b":"2"})"
       "\n",
       {"5 field_count"}},
      {"whitespace-only line is a record",
       "a,b\n \n1,2\n",
       opts(),
       R"({"a":"1","b":"2"})"
       "\n",
       {"2 field_count"}},
      {"whitespace-only line, one column",
       "a\n \n\t\n",
       opts(),
       R"({"a":" "})"
       "\n"
       R"({"a":"\t"})"
       "\n",
       {}},
      {"a lone empty quoted field is a record",
       "a\n\"\"\n",
       opts(),
       R"({"a":""})"
       "\n",
       {}},
      {"too many fields",
       "a,b\n1,2,3\n4,5\n",
       opts(),
       R"({"a":"4","b":"5"})"
       "\n",
       {"2 field_count"}},
      {"too few fields", "a,b,c\n1,2\n", opts(), "", {"2 field_count"}},
      {"duplicate and empty header names",
       "a,,a,a_2,\n1,2,3,4,5\n",
       opts(),
       R"({"a":"1","column_2":"2","a_3":"3","a_2":"4","column_5":"5"})"
       "\n",
       {},
       {"a", "column_2", "a_3", "a_2", "column_5"}},
      {"three of a kind",
       "x,x,x\n1,2,3\n",
       opts(),
       R"({"x":"1","x_2":"2","x_3":"3"})"
       "\n",
       {},
       {"x", "x_2", "x_3"}},
      {"empty name taken already",
       "column_2,\n1,2\n",
       opts(),
       R"({"column_2":"1","column_2_2":"2"})"
       "\n",
       {},
       {"column_2", "column_2_2"}},
      {"names are case-sensitive and untrimmed",
       "A,a, a\n1,2,3\n",
       opts(),
       R"({"A":"1","a":"2"," a":"3"})"
       "\n",
       {},
       {"A", "a", " a"}},
      {"quoted header name with a newline and quote",
       "\"x\ny\",\"q\"\"\"\n1,2\n",
       opts(),
       R"({"x\ny":"1","q\"":"2"})"
       "\n",
       {},
       {"x\ny", "q\""}},
      {"python: quote inside an unquoted field is literal",
       "a,b\nx\"y,2\nx\"\"\n",
       opts(),
       R"({"a":"x\"y","b":"2"})"
       "\n",
       {"3 field_count"}},
      {"python: text after a closing quote is appended",
       "a,b\n\"ab\"cd,\"x\" y\"z\n",
       opts(),
       R"({"a":"abcd","b":"x y\"z"})"
       "\n",
       {}},
      {"python: spaces are kept",
       "a,b\n 1 , \"2\" \n",
       opts(),
       R"({"a":" 1 ","b":" \"2\" "})"
       "\n",
       {}},
      {"python: closing quote then line end",
       "a\n\"x\"\r\n\"y\"",
       opts(),
       R"({"a":"x"})"
       "\n"
       R"({"a":"y"})"
       "\n",
       {}},
      {"JSON escapes",
       "a\n\"t\tb\\s\x01\x1f\x7f\b\f\"\n",
       opts(),
       R"({"a":"t\tb\\s\u0001\u001f)"
       "\x7f"
       R"(\b\f"})"
       "\n",
       {}},
      {"NUL byte",
       "a\nx\0y\n"s,
       opts(),
       R"({"a":"x\u0000y"})"
       "\n",
       {}},
      {"semicolon",
       "a;b\n1;\"2;3\"\n4,5;6\n",
       opts(';'),
       R"({"a":"1","b":"2;3"})"
       "\n"
       R"({"a":"4,5","b":"6"})"
       "\n",
       {}},
      {"tab",
       "a\tb\n1\t\"2\t3\"\n4,5\t6\n",
       opts('\t'),
       R"({"a":"1","b":"2\t3"})"
       "\n"
       R"({"a":"4,5","b":"6"})"
       "\n",
       {}},
      {"pipe",
       "a|b\n1|\"2|3\"\n4,5|6\n",
       opts('|'),
       R"({"a":"1","b":"2|3"})"
       "\n"
       R"({"a":"4,5","b":"6"})"
       "\n",
       {}},
      {"UTF-8 as is",
       "name,city\nCaf\xC3\xA9 Cr\xC3\xA8me,\xE6\x9D\xB1\xE4\xBA\xAC \xF0\x9F\x98\x80\n",
       opts(),
       "{\"name\":\"Caf\xC3\xA9 Cr\xC3\xA8me\",\"city\":\"\xE6\x9D\xB1\xE4\xBA\xAC \xF0\x9F\x98\x80\"}\n",
       {}},
      {"invalid UTF-8 rows",
       "a,b\nok,1\n\xFF,2\nx,\xC3\n\xED\xA0\x80,3\n\xC0\xAF,4\nfine,5\n",
       opts(),
       R"({"a":"ok","b":"1"})"
       "\n"
       R"({"a":"fine","b":"5"})"
       "\n",
       {"3 invalid_utf8", "4 invalid_utf8", "5 invalid_utf8", "6 invalid_utf8"}},
      {"UTF-8 split by a delimiter is invalid", "a,b\n\xC3,\xA9\n", opts(), "", {"2 invalid_utf8"}},
      {"invalid UTF-8 in the header",
       "\xFF"
       "a,b\n1,2\n",
       opts(),
       "",
       {},
       {},
       false},
      {"windows-1252",
       "a\n\x80\x81\x8D\x8F\x90\x9D\x9F\xE9\xFF\n",
       opts(',', df::Encoding::windows_1252),
       "{\"a\":\"\xE2\x82\xAC\xC2\x81\xC2\x8D\xC2\x8F\xC2\x90\xC2\x9D\xC5\xB8\xC3\xA9\xC3\xBF\"}\n",
       {}},
      {"windows-1252 header",
       "caf\xE9,\x80\n1,2\n",
       opts(',', df::Encoding::windows_1252),
       "{\"caf\xC3\xA9\":\"1\",\"\xE2\x82\xAC\":\"2\"}\n",
       {},
       {"caf\xC3\xA9", "\xE2\x82\xAC"}},
      {"latin-1",
       "a\n\x80\x9F\xA0\xE9\xFF\n",
       opts(',', df::Encoding::latin_1),
       "{\"a\":\"\xC2\x80\xC2\x9F\xC2\xA0\xC3\xA9\xC3\xBF\"}\n",
       {}},
      {"latin-1 in quotes",
       "a,b\n\"\xE9,\n\xE8\",1\n",
       opts(',', df::Encoding::latin_1),
       "{\"a\":\"\xC3\xA9,\\n\xC3\xA8\",\"b\":\"1\"}\n",
       {}},
      {"field of exactly the limit",
       "a,b\n1234,\"5678\"\n",
       opts(',', df::Encoding::utf8, 4),
       R"({"a":"1234","b":"5678"})"
       "\n",
       {}},
      {"over-long unquoted field",
       "a,b\n1234,5\n12345,6\n7,8\n",
       opts(',', df::Encoding::utf8, 4),
       R"({"a":"1234","b":"5"})"
       "\n"
       R"({"a":"7","b":"8"})"
       "\n",
       {"3 field_too_long"}},
      {"over-long after transcoding",
       "a\n\xE9\xE9\n\xE9\xE9\xE9\nx\n",
       opts(',', df::Encoding::latin_1, 4),
       "{\"a\":\"\xC3\xA9\xC3\xA9\"}\n{\"a\":\"x\"}\n",
       {"3 field_too_long"}},
      {"over-long counts the value, not its escapes",
       "a\n\"\"\"\"\"\"\"\"\"\"\n",
       opts(',', df::Encoding::utf8, 4),
       R"({"a":"\"\"\"\""})"
       "\n",
       {}},
      {"over-long header name", "abcde,b\n1,2\n", opts(',', df::Encoding::utf8, 4), "", {}, {}, false},
      {"over-long quoted field is taken for an unterminated quote",
       "a\n\"12345\"\n7\n",
       opts(',', df::Encoding::utf8, 4),
       R"({"a":"7"})"
       "\n",
       {"2 unterminated_quote"}},
      {"stray quote resumes at the line end where the limit is reached",
       "a,b\n1,\"oops\n2,x\n3,y\n4,z\n5,w\n6,v\n",
       opts(',', df::Encoding::utf8, 16),
       R"({"a":"5","b":"w"})"
       "\n"
       R"({"a":"6","b":"v"})"
       "\n",
       {"2 unterminated_quote"}},
      {"stray quote resumes at the next line end after the limit",
       "a,b\n1,\"oops\n2,x\n3,y\n4,z\n5,w\n6,v\n",
       opts(',', df::Encoding::utf8, 14),
       R"({"a":"5","b":"w"})"
       "\n"
       R"({"a":"6","b":"v"})"
       "\n",
       {"2 unterminated_quote"}},
      {"stray quote: a CRLF at the limit is one line end",
       "a,b\r\n1,\"oop\r\n2,x\r\n3,y\r\n",
       opts(',', df::Encoding::utf8, 4),
       R"({"a":"2","b":"x"})"
       "\n"
       R"({"a":"3","b":"y"})"
       "\n",
       {"2 unterminated_quote"}},
      {"stray quote in a bad record",
       "a,b\n1,2,\"x\nyyyyyyyyyyyyyyyyyy\n3,4\n",
       opts(',', df::Encoding::utf8, 8),
       R"({"a":"3","b":"4"})"
       "\n",
       {"2 unterminated_quote"}},
      {"unterminated quote at the end of the input",
       "a,b\n1,2\n3,\"open\n4,5\n",
       opts(),
       R"({"a":"1","b":"2"})"
       "\n",
       {"3 unterminated_quote"}},
      {"unterminated quote skipping to the end of the input",
       "a,b\n1,\"xxxxxxxxxx",
       opts(',', df::Encoding::utf8, 4),
       "",
       {"2 unterminated_quote"}},
      {"unterminated quote in the header", "\"a,b\n1,2\n", opts(), "", {}, {}, false},
      {"BOM prefix that is not a BOM",
       "\xEF\xBB"
       "a\n1\n",
       opts(',', df::Encoding::latin_1),
       "{\"\xC3\xAF\xC2\xBB"
       "a\":\"1\"}\n",
       {}},
      {"a short input that starts like a BOM", "\xEF", opts(',', df::Encoding::latin_1), "", {}, {"\xC3\xAF"}},
  };
  return cases;
}

// The csv-spectrum set (github.com/max-mapper/csv-spectrum), written out.
const std::vector<Case>& spectrum_cases() {
  static const std::vector<Case> cases = {
      {"comma_in_quotes",
       "first,last,address,city,zip\nJohn,Doe,120 any st.,\"Anytown, WW\",08123\n",
       opts(),
       R"({"first":"John","last":"Doe","address":"120 any st.","city":"Anytown, WW","zip":"08123"})"
       "\n",
       {}},
      {"empty",
       "a,b,c\n1,\"\",\"\"\n2,3,4\n",
       opts(),
       R"({"a":"1","b":"","c":""})"
       "\n"
       R"({"a":"2","b":"3","c":"4"})"
       "\n",
       {}},
      {"empty_crlf",
       "a,b,c\r\n1,\"\",\"\"\r\n2,3,4\r\n",
       opts(),
       R"({"a":"1","b":"","c":""})"
       "\n"
       R"({"a":"2","b":"3","c":"4"})"
       "\n",
       {}},
      {"escaped_quotes",
       "a,b\n1,\"ha \"\"ha\"\" ha\"\n3,4\n",
       opts(),
       R"({"a":"1","b":"ha \"ha\" ha"})"
       "\n"
       R"({"a":"3","b":"4"})"
       "\n",
       {}},
      {"json",
       "key,val\n1,\"{\"\"type\"\": \"\"Point\"\", \"\"coordinates\"\": [102.0, 0.5]}\"\n",
       opts(),
       R"({"key":"1","val":"{\"type\": \"Point\", \"coordinates\": [102.0, 0.5]}"})"
       "\n",
       {}},
      {"location_coordinates",
       "Contact Phone Number,Cities,Latitude,Longitude\n,Buchanan,32.7,-92.8\n",
       opts(),
       R"({"Contact Phone Number":"","Cities":"Buchanan","Latitude":"32.7","Longitude":"-92.8"})"
       "\n",
       {}},
      {"newlines",
       "a,b,c\n1,2,3\n\"Once upon \na time\",5,6\n7,8,9\n",
       opts(),
       R"({"a":"1","b":"2","c":"3"})"
       "\n"
       R"({"a":"Once upon \na time","b":"5","c":"6"})"
       "\n"
       R"({"a":"7","b":"8","c":"9"})"
       "\n",
       {}},
      {"newlines_crlf",
       "a,b,c\r\n1,2,3\r\n\"Once upon \r\na time\",5,6\r\n7,8,9\r\n",
       opts(),
       R"({"a":"1","b":"2","c":"3"})"
       "\n"
       R"({"a":"Once upon \r\na time","b":"5","c":"6"})"
       "\n"
       R"({"a":"7","b":"8","c":"9"})"
       "\n",
       {}},
      {"quotes_and_newlines",
       "a,b\n1,\"ha \n\"\"ha\"\" \nha\"\n3,4\n",
       opts(),
       R"({"a":"1","b":"ha \n\"ha\" \nha"})"
       "\n"
       R"({"a":"3","b":"4"})"
       "\n",
       {}},
      {"simple",
       "a,b,c\n1,2,3\n",
       opts(),
       R"({"a":"1","b":"2","c":"3"})"
       "\n",
       {}},
      {"simple_crlf",
       "a,b,c\r\n1,2,3\r\n",
       opts(),
       R"({"a":"1","b":"2","c":"3"})"
       "\n",
       {}},
      {"utf8",
       "a,b,c\n1,2,3\n4,5,\xCA\xA4\n",
       opts(),
       R"({"a":"1","b":"2","c":"3"})"
       "\n"
       "{\"a\":\"4\",\"b\":\"5\",\"c\":\"\xCA\xA4\"}\n",
       {}},
  };
  return cases;
}

void check_case(const Case& c) {
  SCOPED_TRACE(c.name);
  const Outcome o = convert(c.csv, c.options);
  EXPECT_EQ(o.jsonl, c.jsonl);
  std::vector<std::string> errors;
  for (const std::string& e : o.errors) errors.push_back(e.substr(0, e.find(' ', e.find(' ') + 1)));
  EXPECT_EQ(errors, c.errors);
  EXPECT_EQ(o.bad_rows, c.errors.size());
  if (!c.columns.empty()) { EXPECT_EQ(o.columns, c.columns); }
  EXPECT_EQ(o.has_header, c.header);
  // A bad header is said so; a missing one (no line at all) is not an error.
  EXPECT_EQ(!o.header_error.empty(),
            !c.header && !c.csv.empty() && c.csv.find_first_not_of("\r\n\xEF\xBB\xBF") != std::string::npos);
  // Every line is a JSON object with the header's keys, and the counts agree.
  std::uint64_t lines = 0;
  for (std::size_t at = 0; at < o.jsonl.size();) {
    const std::size_t nl = o.jsonl.find('\n', at);
    ASSERT_NE(nl, std::string::npos);
    const auto j = nlohmann::json::parse(o.jsonl.substr(at, nl - at));
    ASSERT_TRUE(j.is_object());
    EXPECT_EQ(j.size(), o.columns.size());
    at = nl + 1;
    ++lines;
  }
  EXPECT_EQ(o.records, lines);
  EXPECT_EQ(o.jsonl_bytes, o.jsonl.size());
  expect_split_invariant(c.csv, c.options, c.name);
}

}  // namespace

TEST(CsvToJsonl, EdgeCases) {
  for (const Case& c : edge_cases()) check_case(c);
}

TEST(CsvToJsonl, CsvSpectrum) {
  for (const Case& c : spectrum_cases()) check_case(c);
}

TEST(CsvToJsonl, BadRowDetails) {
  struct Detail {
    std::string csv;
    df::CsvOptions options;
    std::string error;
  };
  const Detail cases[] = {
      {"a,b\n1\n", opts(), "2 field_count expected 2 fields, got 1"},
      {"a,b\n1,2,3,4\n", opts(), "2 field_count expected 2 fields, got 4"},
      {"a,b\n1,x\xFF\n", opts(), "2 invalid_utf8 invalid UTF-8 in field 2 (b)"},
      {"a,b\n12345,2\n", opts(',', df::Encoding::utf8, 4), "2 field_too_long field 1 (a) longer than 4 bytes"},
      {"a,b\n1,\"2\n", opts(), "2 unterminated_quote quoted field still open at the end of the input"},
      {"a,b\n1,\"23456\n", opts(',', df::Encoding::utf8, 4),
       "2 unterminated_quote quoted field still open after 4 bytes"},
      {"a," + std::string(60, 'n') + "\n1,\xFF\n", opts(),
       "2 invalid_utf8 invalid UTF-8 in field 2 (" + std::string(40, 'n') + "...)"},
      {"a,\xC3\xA9" + std::string(60, 'n') + "\n1,\xFF\n", opts(),
       "2 invalid_utf8 invalid UTF-8 in field 2 (\xC3\xA9" + std::string(38, 'n') + "...)"},
      {"a,n" + std::string(38, 'n') + "\xC3\xA9\n1,\xFF\n", opts(),
       "2 invalid_utf8 invalid UTF-8 in field 2 (" + std::string(39, 'n') + "...)"},
  };
  for (const Detail& d : cases) {
    const Outcome o = convert(d.csv, d.options);
    ASSERT_EQ(o.errors.size(), 1u) << d.csv;
    EXPECT_EQ(o.errors[0], d.error);
  }
}

TEST(CsvToJsonl, HeaderErrorStopsEverything) {
  const struct {
    std::string csv;
    df::CsvOptions options;
  } cases[] = {
      {"\xFF"
       "a\n1\n",
       opts()},
      {"\"a\n1\n", opts()},
      {"abcdef\n1\n", opts(',', df::Encoding::utf8, 4)},
      {"\"abcdef\"\n1\n2\n", opts(',', df::Encoding::utf8, 4)},
  };
  for (const auto& c : cases) {
    const Outcome o = convert(c.csv, c.options);
    EXPECT_FALSE(o.has_header) << c.csv;
    EXPECT_NE(o.header_error, "") << c.csv;
    EXPECT_EQ(o.jsonl, "") << c.csv;
    EXPECT_EQ(o.records + o.bad_rows, 0u) << c.csv;
  }
}

TEST(CsvToJsonl, ManyRepeatedHeaderNamesStayLinear) {
  // 200,000 columns named "a": with a fresh search per repeat this takes
  // minutes.
  std::string header;
  for (int i = 0; i < 200000; ++i) header += i ? ",a" : "a";
  const Outcome o = convert(header + "\n");
  ASSERT_EQ(o.columns.size(), 200000u);
  EXPECT_EQ(o.columns[1], "a_2");
  EXPECT_EQ(o.columns.back(), "a_200000");
}

TEST(CsvToJsonl, KeepsTheFirstErrorsAndCountsAll) {
  df::CsvOptions o = opts();
  o.keep_errors = 2;
  const Outcome out = convert("a,b\n1\n2\nok,1\n3\n", o);
  EXPECT_EQ(out.bad_rows, 3u);
  ASSERT_EQ(out.errors.size(), 2u);
  EXPECT_EQ(out.errors[0].substr(0, 2), "2 ");
  EXPECT_EQ(out.errors[1].substr(0, 2), "3 ");
  EXPECT_EQ(out.records, 1u);
}

TEST(CsvToJsonl, IndexHoldsTheOffsetOfEvery1024thRecord) {
  std::string csv = "id,name\n";
  std::string expected;
  std::vector<std::uint64_t> offsets;
  for (int i = 0; i < 2 * 1024 + 5; ++i) {
    if (i % 1024 == 0) offsets.push_back(expected.size());
    if (i == 7) csv += "bad\n";  // bad rows take no record number
    csv += std::to_string(i) + ",\"n" + std::string(i % 13, 'x') + "\"\n";
    expected += R"({"id":")" + std::to_string(i) + R"(","name":"n)" + std::string(i % 13, 'x') + "\"}\n";
  }
  for (const std::vector<std::size_t>& cuts :
       {std::vector<std::size_t>{}, {1}, {csv.size() / 3, csv.size() / 2, csv.size() - 2}}) {
    const Outcome o = convert_pieces(csv, opts(), cuts);
    EXPECT_EQ(o.jsonl, expected);
    EXPECT_EQ(o.index, offsets);
    EXPECT_EQ(o.records, 2u * 1024 + 5);
    EXPECT_EQ(o.bad_rows, 1u);
  }
  std::vector<std::size_t> every_byte;
  for (std::size_t i = 1; i < csv.size(); ++i) every_byte.push_back(i);
  EXPECT_EQ(convert_pieces(csv, opts(), every_byte), convert(csv));
}

TEST(CsvToJsonl, AnOverLongFieldIsNeverHeld) {
  // 8 MiB in one unquoted field, fed in 64 KiB chunks: out never grows
  // past a chunk's worth of small records.
  df::CsvToJsonl c(opts(',', df::Encoding::utf8, 1024));
  std::string out;
  std::vector<std::uint64_t> index;
  c.feed("a,b\n1,2\nx,", out, index);
  const std::string chunk(64 << 10, 'y');
  for (int i = 0; i < 128; ++i) {
    out.clear();
    c.feed(chunk, out, index);
    EXPECT_EQ(out, "");
    EXPECT_LE(out.capacity(), 4u << 10) << "the field's bytes were kept";
  }
  c.feed("\n3,4\n", out, index);
  c.finish(out, index);
  EXPECT_EQ(out, R"({"a":"3","b":"4"})"
                 "\n");
  EXPECT_EQ(c.bad_rows(), 1u);
  EXPECT_EQ(c.first_errors().at(0).reason, df::BadReason::field_too_long);
}

TEST(CsvToJsonl, ARecordOfManyFieldsIsBoundedToo) {
  // max_field 8 bytes: a record may hold 32. Five fields of 6 fit, five of 8
  // do not (each field is within its own limit); at every split point.
  const std::string csv = "a,b,c,d,e\n" + std::string("aaaaaa,bbbbbb,cccccc,dddddd,eeeeee\n") +
                          "aaaaaaaa,bbbbbbbb,cccccccc,dddddddd,eeeeeeee\n1,2,3,4,5\n";
  const auto o = opts(',', df::Encoding::utf8, 8);
  const Outcome whole = convert(csv, o);
  EXPECT_EQ(whole.records, 2u);
  ASSERT_EQ(whole.errors.size(), 1u);
  EXPECT_EQ(whole.errors[0], "3 field_too_long record longer than 32 bytes");
  for (std::size_t cut = 0; cut <= csv.size(); ++cut) EXPECT_EQ(convert_pieces(csv, o, {cut}), whole) << cut;
}

TEST(CsvToJsonl, ParsesOptionNames) {
  EXPECT_EQ(df::parse_encoding("UTF-8"), df::Encoding::utf8);
  EXPECT_EQ(df::parse_encoding("utf8"), df::Encoding::utf8);
  EXPECT_EQ(df::parse_encoding("Windows-1252"), df::Encoding::windows_1252);
  EXPECT_EQ(df::parse_encoding("CP1252"), df::Encoding::windows_1252);
  EXPECT_EQ(df::parse_encoding("latin-1"), df::Encoding::latin_1);
  EXPECT_EQ(df::parse_encoding("Latin1"), df::Encoding::latin_1);
  EXPECT_EQ(df::parse_encoding("ISO-8859-1"), df::Encoding::latin_1);
  EXPECT_EQ(df::parse_encoding("utf-16"), std::nullopt);
  EXPECT_EQ(df::parse_encoding(""), std::nullopt);
  EXPECT_EQ(df::parse_delimiter(","), ',');
  EXPECT_EQ(df::parse_delimiter(";"), ';');
  EXPECT_EQ(df::parse_delimiter("|"), '|');
  EXPECT_EQ(df::parse_delimiter("tab"), '\t');
  EXPECT_EQ(df::parse_delimiter("\t"), '\t');
  EXPECT_EQ(df::parse_delimiter(":"), std::nullopt);
  EXPECT_EQ(df::parse_delimiter(",,"), std::nullopt);
  EXPECT_EQ(df::parse_delimiter(""), std::nullopt);
  EXPECT_EQ(df::reason_name(df::BadReason::unterminated_quote), "unterminated_quote");
}

TEST(CsvToJsonl, JsonEscapeTable) {
  for (int c = 0; c < 256; ++c) {
    const std::string_view e = df::json_escape(static_cast<unsigned char>(c));
    const bool escaped = c < 0x20 || c == '"' || c == '\\';
    EXPECT_EQ(!e.empty(), escaped) << c;
    if (escaped) {  // what nlohmann reads back is the byte itself
      EXPECT_EQ(nlohmann::json::parse("\"" + std::string(e) + "\"").get<std::string>(), std::string(1, char(c)));
    }
  }
  EXPECT_EQ(df::json_escape('\n'), "\\n");
  EXPECT_EQ(df::json_escape(0x01), "\\u0001");
  EXPECT_EQ(df::json_escape(0x1F), "\\u001f");
}

namespace {

// The partner generator's --edge-cases file (a Shopify-like export, 19
// columns, BOM, CRLF), rebuilt here: one record per hard case.
std::string generator_edge_cases(std::size_t long_body_bytes) {
  const std::string header =
      "Handle,Title,Body (HTML),Vendor,Product Category,Type,Tags,Published,Option1 Name,Option1 Value,Variant SKU,"
      "Variant Grams,Variant Inventory Qty,Variant Price,Variant Compare At Price,Image Src,SEO Title,"
      "SEO Description,Status";
  const auto row = [](int n, std::vector<std::pair<int, std::string>> raw = {}) {
    std::vector<std::string> f = {"edge-" + std::to_string(n),
                                  "Zo\xC3\xAB \xC5\x81\xC3\xB3"
                                  "d\xC5\xBA \xE6\x9D\xB1\xE4\xBA\xAC \xF0\x9F\x98\x80 mug",
                                  "<p>Plain body</p>",
                                  "Acme",
                                  "Home & Garden",
                                  "Mugs",
                                  "\"edge, test\"",
                                  "TRUE",
                                  "Title",
                                  "Default Title",
                                  "EDGE-" + std::to_string(n),
                                  "250",
                                  "7",
                                  "9.99",
                                  "",
                                  "",
                                  "",
                                  "",
                                  "active"};
    for (auto& [i, v] : raw) f[i] = v;
    std::string s;
    for (std::size_t i = 0; i < f.size(); ++i) s += (i ? "," : "") + f[i];
    return s;
  };
  std::string body = "<p>";
  while (body.size() < long_body_bytes - 4) body += "long, ";
  body.resize(long_body_bytes - 4);
  body += "</p>";
  std::string csv = "\xEF\xBB\xBF" + header + "\r\n";
  csv += row(1) + "\r\n";
  csv += row(2, {{3, "\"\""}, {14, "\"\""}}) + "\r\n";
  csv += row(3, {{1, "\"\"\"\""}, {6, "\"\"\"\"\"\""}}) + "\r\n";
  csv += row(4, {{1, "\"The \"\"Classic\"\" Mug, 12 oz\""}}) + "\r\n";
  csv += row(5) + "\r";
  csv += row(6) + "\n";
  csv += row(7) + ",extra-1,extra-2\r\n";
  csv += "edge-8,Short Row,<p>x</p>,Acme,Home\r\n";
  csv += row(9, {{1, "Caf\xE9 \xFF\xFE \xC0\xAF Bowl"}}) + "\r\n";
  csv += row(10, {{2, "\"" + body + "\""}}) + "\r\n";
  csv += row(11, {{2, "\"<p>one</p>\r\n<p>two</p>\n<p>three</p>\r<p>four</p>\""}}) + "\r\n";
  csv += row(12);
  return csv;
}

}  // namespace

TEST(CsvToJsonl, GeneratorEdgeCases) {
  const std::string csv = generator_edge_cases(200 * 1024);
  const Outcome o = convert(csv);
  ASSERT_EQ(o.columns.size(), 19u);
  EXPECT_EQ(o.columns[0], "Handle");  // the BOM is not part of the first name
  std::vector<nlohmann::json> records;
  for (std::size_t at = 0; at < o.jsonl.size();) {
    const std::size_t nl = o.jsonl.find('\n', at);
    records.push_back(nlohmann::json::parse(o.jsonl.substr(at, nl - at)));
    at = nl + 1;
  }
  std::vector<std::string> handles;
  for (const auto& r : records) handles.push_back(r["Handle"]);
  EXPECT_EQ(handles, (std::vector<std::string>{"edge-1", "edge-2", "edge-3", "edge-4", "edge-5", "edge-6", "edge-10",
                                               "edge-11", "edge-12"}));
  ASSERT_EQ(records.size(), 9u);
  EXPECT_EQ(records[0]["Title"],
            "Zo\xC3\xAB \xC5\x81\xC3\xB3"
            "d\xC5\xBA \xE6\x9D\xB1\xE4\xBA\xAC \xF0\x9F\x98\x80 mug");
  EXPECT_EQ(records[0]["Tags"], "edge, test");
  EXPECT_EQ(records[1]["Vendor"], "");
  EXPECT_EQ(records[1]["Variant Compare At Price"], "");
  EXPECT_EQ(records[2]["Title"], "\"");
  EXPECT_EQ(records[2]["Tags"], "\"\"");
  EXPECT_EQ(records[3]["Title"], "The \"Classic\" Mug, 12 oz");
  EXPECT_EQ(records[6]["Body (HTML)"].get<std::string>().size(), 200u * 1024);
  EXPECT_EQ(records[7]["Body (HTML)"], "<p>one</p>\r\n<p>two</p>\n<p>three</p>\r<p>four</p>");
  EXPECT_EQ(records[8]["Status"], "active");
  EXPECT_EQ(o.errors, (std::vector<std::string>{"8 field_count expected 19 fields, got 21",
                                                "9 field_count expected 19 fields, got 5",
                                                "10 invalid_utf8 invalid UTF-8 in field 2 (Title)"}));
  std::vector<std::size_t> every_byte;
  for (std::size_t i = 1; i < csv.size(); ++i) every_byte.push_back(i);
  EXPECT_EQ(convert_pieces(csv, {}, every_byte), o);

  // Python's csv module stops at 128 KiB fields; with that limit the long
  // quoted body is taken for an unterminated quote, and the next record is
  // read from the next line end on.
  const Outcome limited = convert(csv, opts(',', df::Encoding::utf8, 128 * 1024));
  EXPECT_EQ(limited.records, 8u);
  ASSERT_EQ(limited.errors.size(), 4u);
  EXPECT_EQ(limited.errors[3], "11 unterminated_quote quoted field still open after 131072 bytes");

  // Every split point, on the same file with a shorter long body.
  expect_split_invariant(generator_edge_cases(300), {}, "generator edge cases");
  expect_split_invariant(generator_edge_cases(300), opts(',', df::Encoding::utf8, 100), "generator, 100-byte limit");
}
