#include "http/text/header_params.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

using namespace keel::text;

namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

std::optional<std::pair<std::string, Params>> parsed(std::string_view s) {
  auto h = parse_param_header(s);
  if (!h) return std::nullopt;
  Params p;
  for (const auto& param : h->params) p.emplace_back(param.name, param.value);
  return std::pair{std::string(h->value), p};
}

}  // namespace

TEST(HeaderParams, ParseTable) {
  struct Case {
    const char* in;
    std::optional<std::pair<std::string, Params>> out;
  };
  const Case cases[] = {
      {"text/plain", std::pair{"text/plain", Params{}}},
      {"  text/plain  ", std::pair{"text/plain", Params{}}},
      {"form-data; name=\"f\"; filename=\"a b.txt\"",
       std::pair{"form-data", Params{{"name", "f"}, {"filename", "a b.txt"}}}},
      {"a;NAME=v", std::pair{"a", Params{{"name", "v"}}}},  // names lower-cased, values not
      {"a ; x = 1 ;y=2;", std::pair{"a", Params{{"x", "1"}, {"y", "2"}}}},
      {"a;;x=1", std::pair{"a", Params{{"x", "1"}}}},
      {"a; x=\"semi;colon\"", std::pair{"a", Params{{"x", "semi;colon"}}}},
      {"a; x=\"q\\\"uote\"", std::pair{"a", Params{{"x", "q\"uote"}}}},
      {"a; x=\"back\\\\slash\"", std::pair{"a", Params{{"x", "back\\slash"}}}},
      {"a; x=\"C:\\dir\\f.txt\"", std::pair{"a", Params{{"x", "C:\\dir\\f.txt"}}}},  // other '\' kept
      {"a; x=\"\"", std::pair{"a", Params{{"x", ""}}}},
      {"a; x=\"tab\there\"", std::pair{"a", Params{{"x", "tab\there"}}}},
      {"a; x*=UTF-8''%C3%A9", std::pair{"a", Params{{"x*", "UTF-8''%C3%A9"}}}},
      {"", std::nullopt},  // no value
      {"; x=1", std::nullopt},
      {"a; x", std::nullopt},  // not name=value
      {"a; =1", std::nullopt},
      {"a; x=", std::nullopt},
      {"a; x=\"open", std::nullopt},    // unclosed
      {"a; x=\"c\rr\"", std::nullopt},  // control character
      {"a; x=1 2", std::nullopt},
      {"a; x=1; X=2", std::nullopt},  // repeated name
      {"a; x(=1", std::nullopt},
  };
  for (const auto& c : cases) EXPECT_EQ(parsed(c.in), c.out) << c.in;
}

TEST(HeaderParams, Find) {
  auto h = parse_param_header("multipart/form-data; Boundary=xyz");
  ASSERT_TRUE(h);
  ASSERT_NE(h->find("boundary"), nullptr);
  EXPECT_EQ(h->find("boundary")->value, "xyz");
  EXPECT_EQ(h->find("charset"), nullptr);
}

TEST(HeaderParams, ExtValueTable) {
  struct Case {
    const char* in;
    ExtValue::Status status;
    const char* value;
  };
  const Case cases[] = {
      {"UTF-8''%C3%A9t%C3%A9.txt", ExtValue::ok, "\xC3\xA9t\xC3\xA9.txt"},
      {"utf-8'en'a%20b.txt", ExtValue::ok, "a b.txt"},
      {"UTF-8''", ExtValue::ok, ""},
      {"UTF-8''%E2%82%AC%20rates.txt", ExtValue::ok, "\xE2\x82\xAC rates.txt"},
      {"UTF-8''%F4%8F%BF%BF", ExtValue::ok, "\xF4\x8F\xBF\xBF"},
      {"iso-8859-1''%E9.txt", ExtValue::ok, "\xC3\xA9.txt"},
      {"ISO-8859-1'fr'%FF%41", ExtValue::ok,
       "\xC3\xBF"
       "A"},
      {"koi8-r''%E9", ExtValue::unknown_charset, ""},
      {"''x", ExtValue::unknown_charset, ""},
      {"no-quotes", ExtValue::malformed, ""},
      {"UTF-8'x", ExtValue::malformed, ""},
      {"UTF-8''%ZZ", ExtValue::malformed, ""},
      {"UTF-8''%C", ExtValue::malformed, ""},
      {"UTF-8''a%C0%80b.txt", ExtValue::not_utf8, ""},   // overlong NUL
      {"UTF-8''%C0%AFx.txt", ExtValue::not_utf8, ""},    // overlong '/'
      {"UTF-8''%E0%80%80", ExtValue::not_utf8, ""},      // overlong 3-byte
      {"UTF-8''%F0%80%80%80", ExtValue::not_utf8, ""},   // overlong 4-byte
      {"UTF-8''%ED%A0%80.txt", ExtValue::not_utf8, ""},  // surrogate
      {"UTF-8''%F4%90%80%80", ExtValue::not_utf8, ""},   // above U+10FFFF
      {"UTF-8''%FF", ExtValue::not_utf8, ""},
      {"UTF-8''%C3", ExtValue::not_utf8, ""},  // truncated
  };
  for (const auto& c : cases) {
    const ExtValue v = decode_ext_value(c.in);
    EXPECT_EQ(v.status, c.status) << c.in;
    EXPECT_EQ(v.value, c.value) << c.in;
  }
}

TEST(HeaderParams, EncodeExtValueRoundTrips) {
  EXPECT_EQ(encode_ext_value("\xC3\xA9t\xC3\xA9.txt"), "UTF-8''%C3%A9t%C3%A9.txt");
  EXPECT_EQ(encode_ext_value("a b"), "UTF-8''a%20b");
  for (const char* s : {"", "plain", "\xF0\x9F\x98\x80 \"100%\".txt"}) {
    const ExtValue v = decode_ext_value(encode_ext_value(s));
    EXPECT_EQ(v.status, ExtValue::ok);
    EXPECT_EQ(v.value, s);
  }
}

TEST(HeaderParams, DispositionFilenameTable) {
  struct Case {
    const char* header;
    std::optional<std::string> name;
    bool problem;
  };
  const Case cases[] = {
      {"attachment", std::nullopt, false},
      {"attachment; filename=\"a.txt\"", "a.txt", false},
      {"attachment; filename*=UTF-8''%C3%A9.txt", "\xC3\xA9.txt", false},
      // filename* wins, wherever it stands.
      {"attachment; filename=\"fallback.txt\"; filename*=UTF-8''%E2%82%AC.txt", "\xE2\x82\xAC.txt", false},
      {"attachment; filename*=UTF-8''x.txt; filename=\"y.txt\"", "x.txt", false},
      // An unknown charset is ignored (RFC 6266 §4.3).
      {"attachment; filename*=koi8-r''%E9", std::nullopt, false},
      {"attachment; filename*=koi8-r''%E9; filename=plain.txt", "plain.txt", false},
      // An unusable filename* gives way to filename...
      {"attachment; filename=plain.txt; filename*=UTF-8''%C0%80", "plain.txt", false},
      {"attachment; filename=plain.txt; filename*=UTF-8''%ZZ", "plain.txt", false},
      // ... and without one it is refused.
      {"attachment; filename*=UTF-8''a%C0%80b.txt", std::nullopt, true},
      {"attachment; filename*=UTF-8''%ED%A0%80.txt", std::nullopt, true},
      {"attachment; filename*=UTF-8''%ZZ", std::nullopt, true},
      {"attachment; filename*=no-quotes", std::nullopt, true},
  };
  for (const auto& c : cases) {
    const auto h = parse_param_header(c.header);
    ASSERT_TRUE(h) << c.header;
    const DispositionFilename f = disposition_filename(*h);
    EXPECT_EQ(f.name, c.name) << c.header;
    EXPECT_EQ(f.problem.has_value(), c.problem) << c.header;
  }
  const auto bad = parse_param_header("attachment; filename*=UTF-8''%C0%80");
  EXPECT_EQ(disposition_filename(*bad).problem.value_or(""), "filename* is not valid UTF-8 once percent-decoded");
}

TEST(MultipartBoundary, Validity) {
  EXPECT_TRUE(valid_multipart_boundary("'()+_,-./:=? x"));
  EXPECT_TRUE(valid_multipart_boundary(std::string(70, 'b')));
  EXPECT_FALSE(valid_multipart_boundary(std::string(71, 'b')));
  EXPECT_FALSE(valid_multipart_boundary(""));
  EXPECT_FALSE(valid_multipart_boundary("a\rb"));
  EXPECT_FALSE(valid_multipart_boundary(std::string("a\0b", 3)));
  EXPECT_FALSE(valid_multipart_boundary("a@b"));
  EXPECT_FALSE(valid_multipart_boundary("trailing "));
}
