#include "http/file/conditional.hpp"
#include "http/file/etag.hpp"
#include "http/text/http_date.hpp"

#include <gtest/gtest.h>

namespace hf = keel::http_file;
using hf::Method;
using hf::Precondition;

// ------------------------------------------------------------------ ETags

TEST(EntityTag, Parse) {
  // Go's TestScanETag, for a whole value.
  struct Case {
    const char* in;
    bool ok;
    bool weak;
    const char* opaque;
  };
  for (const Case& c :
       {Case{"W/\"etag-1\"", true, true, "\"etag-1\""}, Case{"\"etag-2\"", true, false, "\"etag-2\""},
        Case{"\"\"", true, false, "\"\""}, Case{"", false, false, ""}, Case{"W/", false, false, ""},
        Case{"W/\"truc", false, false, ""}, Case{"w/\"case-sensitive\"", false, false, ""},
        Case{"\"spaced etag\"", false, false, ""}, Case{"etag", false, false, ""}, Case{"\"a\" ", false, false, ""},
        Case{"\"a\"\"b\"", false, false, ""}, Case{"\"\xC3\xA9\"", true, false, "\"\xC3\xA9\""}}) {
    const auto tag = hf::parse_entity_tag(c.in);
    ASSERT_EQ(tag.has_value(), c.ok) << c.in;
    if (tag) {
      EXPECT_EQ(tag->weak, c.weak) << c.in;
      EXPECT_EQ(tag->opaque, c.opaque) << c.in;
    }
  }
}

TEST(EntityTag, ComparisonTableFromRfc9110) {
  // RFC 9110 §8.8.3.2 example table.
  struct Case {
    const char* a;
    const char* b;
    bool strong;
    bool weak;
  };
  for (const Case& c : {Case{"W/\"1\"", "W/\"1\"", false, true}, Case{"W/\"1\"", "W/\"2\"", false, false},
                        Case{"W/\"1\"", "\"1\"", false, true}, Case{"\"1\"", "\"1\"", true, true},
                        Case{"\"1\"", "\"2\"", false, false}, Case{"\"1\"", "garbage", false, false}}) {
    EXPECT_EQ(hf::strong_compare(c.a, c.b), c.strong) << c.a << " vs " << c.b;
    EXPECT_EQ(hf::strong_compare(c.b, c.a), c.strong) << c.b << " vs " << c.a;
    EXPECT_EQ(hf::weak_compare(c.a, c.b), c.weak) << c.a << " vs " << c.b;
  }
}

TEST(EntityTag, List) {
  auto l = hf::parse_entity_tag_list(" * ");
  ASSERT_TRUE(l);
  EXPECT_TRUE(l->any);

  l = hf::parse_entity_tag_list("\"a\", W/\"b\",\"c\" ,, \"d\"");
  ASSERT_TRUE(l);
  EXPECT_FALSE(l->any);
  ASSERT_EQ(l->tags.size(), 4u);
  EXPECT_EQ(l->tags[1].opaque, "\"b\"");
  EXPECT_TRUE(l->tags[1].weak);
  EXPECT_EQ(l->tags[3].opaque, "\"d\"");

  for (const char* bad : {"", ",", " , ", "a", "\"a\" \"b\"", "\"a\", *", "*, \"a\"", "\"a", "\"a\";x"}) {
    EXPECT_FALSE(hf::parse_entity_tag_list(bad)) << bad;
  }
}

// ---------------------------------------------------------- preconditions

namespace {

constexpr std::time_t kModTime = 1403716338;  // Wed, 25 Jun 2014 17:12:18 GMT
const std::string kModStr = keel::text::format_http_date(kModTime);
const std::string kBefore = keel::text::format_http_date(kModTime - 2);
const std::string kAfter = keel::text::format_http_date(kModTime + 1);
const std::string kModList = kModStr + ", " + kModStr;

struct Case {
  const char* name;
  hf::RequestHeaders h;
  std::string_view etag;
  std::optional<std::time_t> mtime;
  Precondition get;    // for GET and HEAD
  Precondition other;  // for e.g. PUT
};

}  // namespace

TEST(Preconditions, Table) {
  const Precondition go = Precondition::proceed;
  const Precondition nm = Precondition::not_modified;
  const Precondition pf = Precondition::failed;
  const std::vector<Case> cases = {
      // Ported from Go's TestServeContent.
      {"no validators", {}, "", std::nullopt, go, go},
      {"not_modified_modtime", {.if_modified_since = kModStr}, "\"foo\"", kModTime, nm, go},
      {"not_modified_etag", {.if_none_match = "\"foo\""}, "\"foo\"", std::nullopt, nm, pf},
      {"not_modified_etag_weak", {.if_none_match = "\"baz\", W/\"foo\""}, "W/\"foo\"", std::nullopt, nm, pf},
      {"if_none_match_mismatch", {.if_none_match = "\"Foo\""}, "\"foo\"", std::nullopt, go, go},
      {"if_none_match_malformed", {.if_none_match = ","}, "\"foo\"", std::nullopt, go, go},
      {"ifmatch_matches", {.if_match = "\"Z\", \"A\""}, "\"A\"", std::nullopt, go, go},
      {"ifmatch_star", {.if_match = "*"}, "\"A\"", std::nullopt, go, go},
      {"ifmatch_failed", {.if_match = "\"B\""}, "\"A\"", std::nullopt, pf, pf},
      {"ifmatch_fails_on_weak_etag", {.if_match = "W/\"A\""}, "W/\"A\"", std::nullopt, pf, pf},
      {"if_unmodified_since_true", {.if_unmodified_since = kModStr}, "", kModTime, go, go},
      {"if_unmodified_since_false", {.if_unmodified_since = kBefore}, "", kModTime, pf, pf},
      // RFC 9110 §13.1 / §13.2.2.
      {"if-match weak request tag never matches", {.if_match = "W/\"A\""}, "\"A\"", std::nullopt, pf, pf},
      {"if-match malformed", {.if_match = "A"}, "\"A\"", std::nullopt, pf, pf},
      {"if-match without our etag", {.if_match = "\"A\""}, "", kModTime, pf, pf},
      {"if-match star without etag", {.if_match = "*"}, "", kModTime, go, go},
      {"if-unmodified-since ignored with if-match",
       {.if_match = "\"A\"", .if_unmodified_since = kBefore},
       "\"A\"",
       kModTime,
       go,
       go},
      {"if-unmodified-since later", {.if_unmodified_since = kAfter}, "", kModTime, go, go},
      {"if-unmodified-since unparseable", {.if_unmodified_since = "yesterday"}, "", kModTime, go, go},
      {"if-unmodified-since without last-modified", {.if_unmodified_since = kBefore}, "", std::nullopt, go, go},
      {"if-none-match star", {.if_none_match = "*"}, "\"A\"", kModTime, nm, pf},
      {"if-none-match weak comparison", {.if_none_match = "W/\"A\""}, "\"A\"", std::nullopt, nm, pf},
      {"if-none-match without our etag", {.if_none_match = "\"A\""}, "", kModTime, go, go},
      {"if-modified-since ignored with if-none-match",
       {.if_none_match = "\"other\"", .if_modified_since = kModStr},
       "\"A\"",
       kModTime,
       go,
       go},
      {"if-modified-since later", {.if_modified_since = kAfter}, "", kModTime, nm, go},
      {"if-modified-since earlier", {.if_modified_since = kBefore}, "", kModTime, go, go},
      {"if-modified-since rfc850", {.if_modified_since = "Wednesday, 25-Jun-14 17:12:18 GMT"}, "", kModTime, nm, go},
      {"if-modified-since asctime", {.if_modified_since = "Wed Jun 25 17:12:18 2014"}, "", kModTime, nm, go},
      {"if-modified-since unparseable", {.if_modified_since = "yesterday"}, "", kModTime, go, go},
      {"if-modified-since list", {.if_modified_since = kModList}, "", kModTime, go, go},
      {"if-modified-since without last-modified", {.if_modified_since = kModStr}, "", std::nullopt, go, go},
      {"if-match checked before if-none-match",
       {.if_match = "\"B\"", .if_none_match = "\"A\""},
       "\"A\"",
       std::nullopt,
       pf,
       pf},
      {"if-unmodified-since checked before if-none-match",
       {.if_none_match = "\"A\"", .if_unmodified_since = kBefore},
       "\"A\"",
       kModTime,
       pf,
       pf},
      {"all pass then if-none-match", {.if_match = "\"A\"", .if_none_match = "\"A\""}, "\"A\"", kModTime, nm, pf},
  };
  for (const Case& c : cases) {
    const hf::Validators v{c.etag, c.mtime};
    EXPECT_EQ(hf::evaluate_preconditions(Method::get, c.h, v), c.get) << c.name << " (GET)";
    EXPECT_EQ(hf::evaluate_preconditions(Method::head, c.h, v), c.get) << c.name << " (HEAD)";
    EXPECT_EQ(hf::evaluate_preconditions(Method::other, c.h, v), c.other) << c.name << " (PUT)";
  }
}

TEST(IfRange, Table) {
  const hf::Validators strong{"\"A\"", kModTime};
  const hf::Validators weak{"W/\"A\"", kModTime};
  EXPECT_TRUE(hf::if_range_allows_range("", strong));
  EXPECT_TRUE(hf::if_range_allows_range("\"A\"", strong));   // range_match
  EXPECT_FALSE(hf::if_range_allows_range("\"B\"", strong));  // range_no_match
  EXPECT_FALSE(hf::if_range_allows_range("W/\"A\"", weak));  // range_match_weak_etag
  EXPECT_FALSE(hf::if_range_allows_range("W/\"A\"", strong));
  EXPECT_FALSE(hf::if_range_allows_range("\"A\"", weak));
  EXPECT_TRUE(hf::if_range_allows_range(kModStr, strong));  // range_with_modtime
  EXPECT_TRUE(hf::if_range_allows_range("Wed Jun 25 17:12:18 2014", strong));
  EXPECT_FALSE(hf::if_range_allows_range(kAfter, strong));   // range_with_modtime_mismatch
  EXPECT_FALSE(hf::if_range_allows_range(kBefore, strong));  // not "not after": exact
  EXPECT_FALSE(hf::if_range_allows_range(kModStr, hf::Validators{"\"A\"", std::nullopt}));
  EXPECT_FALSE(hf::if_range_allows_range("garbage", strong));
  EXPECT_FALSE(hf::if_range_allows_range("\"A\", \"B\"", strong));
  EXPECT_FALSE(hf::if_range_allows_range("\"A\"", hf::Validators{"", kModTime}));
}
