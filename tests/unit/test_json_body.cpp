// Buffered JSON bodies as a route handler reads them (read_json_body): what
// is accepted as it is, what is refused and how, and the memory a hostile
// shape may take while it is refused.
#include "http/json_body.hpp"
#include "http/router.hpp"
#include "http/string_body.hpp"
#include "services/memory/stats.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <malloc.h>

#include <cstdio>
#include <optional>
#include <string>

using namespace keel;
using nlohmann::json;

namespace {

constexpr std::uint64_t kCeiling = 15ull << 20;  // KEEL_MAX_BODY_MB's default

struct Outcome {
  int status = 200;
  json value;   // when read
  json detail;  // when refused
};

Outcome read_json(std::string_view text, std::string_view content_type = "application/json",
                  const Route* route = nullptr, bool chunked = false) {
  StringBody body(text, chunked);
  Request req;
  req.headers.set("Content-Type", content_type);
  req.body = &body;
  req.route = route;
  boost::asio::io_context io;
  auto fut = boost::asio::co_spawn(
      io, [&]() -> awaitable<json> { co_return co_await read_json_body(req, kCeiling); }, boost::asio::use_future);
  io.run();
  Outcome out;
  try {
    out.value = fut.get();
  } catch (const HttpError& e) {
    out.status = e.status;
    out.detail = e.detail;
  }
  return out;
}

std::string nested_arrays(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

std::string nested_objects(std::size_t depth) {
  std::string s;
  for (std::size_t i = 0; i < depth; ++i) s += "{\"a\":";
  s += "0";
  return s + std::string(depth, '}');
}

// {"a":[0,0,...]}: two body bytes per value, the flattest shape there is.
std::string flat(std::size_t values) {
  std::string s = "{\"a\":[";
  s.reserve(s.size() + 2 * values + 2);
  for (std::size_t i = 0; i < values; ++i) s += i ? ",0" : "0";
  return s + "]}";
}

// [item,item,...] with `count` items.
std::string list_of(std::string_view item, std::size_t count) {
  std::string s = "[";
  for (std::size_t i = 0; i < count; ++i) {
    if (i) s += ',';
    s += item;
  }
  return s + "]";
}

// {"k0":item,"k1":item,...}: every member a fresh key.
std::string members_of(std::string_view item, std::size_t count) {
  std::string s = "{";
  for (std::size_t i = 0; i < count; ++i) {
    if (i) s += ',';
    s += "\"k" + std::to_string(i) + "\":";
    s += item;
  }
  return s + "}";
}

const char* kBooking =
    R"({"name":"Zoë Ångström","email":"zoe@example.com","service":"svc-1","starts_at":"2030-01-10T09:00:00+01:00",)"
    R"("duration_minutes":60,"phone":null,"notes":"second floor, \"the blue door\" \u00e9"})";

// The peak RSS this process reaches while fn runs, over its RSS before.
// Heap freed earlier is handed back first (malloc_trim) and the kernel's
// high-water mark reset (clear_refs 5), so only pages fn touches count.
// Nothing when the kernel does not let the mark be reset.
template <class F>
std::optional<std::int64_t> peak_rss_growth(F&& fn) {
  ::malloc_trim(0);
  std::FILE* f = std::fopen("/proc/self/clear_refs", "w");
  bool reset = f && std::fputs("5", f) >= 0;
  if (f) reset = std::fclose(f) == 0 && reset;
  auto before = static_cast<std::int64_t>(memory::read_rss_bytes());
  fn();
  if (!reset) return std::nullopt;
  return static_cast<std::int64_t>(memory::read_peak_rss_bytes()) - before;
}

}  // namespace

TEST(JsonBody, OrdinaryDocumentsAreReadAsTheyAre) {
  const std::string cases[] = {
      kBooking,
      R"({"status":"confirmed"})",
      "{}",
      "[]",
      "0",
      "\"text\"",
      "null",
      R"({"a":1,"a":2})",  // the last one wins, as before
      nested_arrays(32),
      nested_objects(32),
      R"({"items":[{"id":1,"tags":["a","b"]},{"id":2,"tags":[]}],"total":2,"ok":true,"ratio":0.5})",
      flat(60),
      "{\"notes\":\"" + std::string(60 * 1024, 'x') + "\"}",  // long strings cost what they weigh
  };
  for (const auto& text : cases) {
    auto out = read_json(text);
    ASSERT_EQ(out.status, 200) << text.substr(0, 80) << " -> " << out.detail.dump();
    EXPECT_EQ(out.value, json::parse(text)) << text.substr(0, 80);
  }
}

TEST(JsonBody, NestedDeeperThan32Is422JsonTooDeep) {
  const std::string cases[] = {
      nested_arrays(33),
      nested_objects(33),
      "[{\"a\":" + nested_arrays(31) + "}]",
      R"({"ok":1,"deep":)" + nested_arrays(40) + "}",
      std::string(33, '[') + "tru",  // too deep comes first, the syntax error after
      nested_arrays(7'000'000),      // the 14 MB body of the report
  };
  for (const auto& text : cases) {
    auto out = read_json(text);
    ASSERT_EQ(out.status, 422) << text.substr(0, 80);
    ASSERT_TRUE(out.detail.is_array() && out.detail.size() == 1) << out.detail.dump();
    EXPECT_EQ(out.detail[0]["loc"], json::array({"body"}));
    EXPECT_EQ(out.detail[0]["type"], "json_too_deep");
    EXPECT_NE(out.detail[0]["msg"].get<std::string>().find("32"), std::string::npos) << out.detail.dump();
  }
}

TEST(JsonBody, MoreValuesThanTheBodyCanHoldIs422JsonTooLarge) {
  // Each is well-formed and shallow, but holds far more values than its
  // bytes: as a document it would take many times the body's size.
  const std::string cases[] = {
      flat(1000),
      flat(7'000'000),
      list_of("{}", 10'000),
      list_of("[]", 10'000),
      list_of("\"\"", 10'000),
      list_of("null", 10'000),
      members_of("{}", 10'000),
      list_of(nested_arrays(31), 1'000),
  };
  for (const auto& text : cases) {
    auto out = read_json(text);
    ASSERT_EQ(out.status, 422) << text.substr(0, 80);
    ASSERT_TRUE(out.detail.is_array() && out.detail.size() == 1) << out.detail.dump();
    EXPECT_EQ(out.detail[0]["loc"], json::array({"body"}));
    EXPECT_EQ(out.detail[0]["type"], "json_too_large");
  }
}

// A route whose bodies are lists by nature raises the bound to a fixed
// budget: a service's 366 closed dates pass, a list past the budget is
// still refused before it is built.
TEST(JsonBody, MinBudgetRaisesTheBoundToAFixedSize) {
  const std::string dates = list_of("\"2026-12-25\"", 366);
  EXPECT_THROW(parse_json_body(dates), HttpError);
  EXPECT_EQ(parse_json_body(dates, 256 * 1024).size(), 366u);
  try {
    parse_json_body(list_of("\"2026-12-25\"", 5000), 256 * 1024);
    ADD_FAILURE() << "5000 dates fit a budget of 256 KiB";
  } catch (const HttpError& e) {
    EXPECT_EQ(e.status, 422);
    EXPECT_EQ(e.detail[0]["type"], "json_too_large");
  }
}

TEST(JsonBody, MalformedJsonIs422JsonInvalidAtItsByteOffset) {
  struct Case {
    std::string text;
    std::int64_t offset;
  };
  const Case cases[] = {
      {R"({"a": 1,)", 8}, {"", 0},      {"[1,2", 4},    {"{} x", 3},
      {R"({"a" 1})", 5},  {"[tru]", 4}, {"[1e999]", 5},  // out of a double's range: was an uncaught exception, a 500
  };
  for (const auto& c : cases) {
    auto out = read_json(c.text);
    ASSERT_EQ(out.status, 422) << c.text;
    ASSERT_TRUE(out.detail.is_array() && out.detail.size() == 1) << out.detail.dump();
    EXPECT_EQ(out.detail[0]["loc"], json::array({"body", c.offset})) << c.text;
    EXPECT_EQ(out.detail[0]["type"], "json_invalid");
    EXPECT_EQ(out.detail[0]["msg"].get<std::string>().rfind("JSON decode error: ", 0), 0u) << out.detail.dump();
  }
}

TEST(JsonBody, ContentTypeMustBeJson) {
  EXPECT_EQ(read_json("{}", "text/plain").status, 415);
  EXPECT_EQ(read_json("{}", "").status, 415);
  EXPECT_EQ(read_json("{}", "application/json; charset=utf-8").status, 200);
  EXPECT_EQ(read_json("{}", "application/problem+json").status, 200);
}

// The defect of the report: a 14 MB body of 7 million nested arrays took the
// server from 8 MiB to 532 MiB. Parsing a body already in memory, neither
// shape may take more than twice the body's bytes (the e2e tests measure the
// server as a whole).
TEST(JsonBody, HostileShapesTakeAtMostTwiceTheirBytes) {
  const std::string cases[] = {nested_arrays(7'000'000), flat(7'000'000)};
  for (const auto& text : cases) {
    int status = 200;
    auto growth = peak_rss_growth([&] {
      try {
        parse_json_body(text);
      } catch (const HttpError& e) { status = e.status; }
    });
    EXPECT_EQ(status, 422) << text.substr(0, 20);
#ifndef __SANITIZE_ADDRESS__  // ASan's shadow memory and quarantine inflate RSS
    if (!growth) GTEST_SKIP() << "the kernel does not let the peak RSS be reset";
    EXPECT_LE(*growth, 2 * static_cast<std::int64_t>(text.size()))
        << text.substr(0, 20) << ": " << (*growth >> 20) << " MiB for a body of " << (text.size() >> 20) << " MiB";
#else
    (void)growth;
#endif
  }
}

// A route's own cap (a booking route's 64 KiB) bounds what is read, with a
// length or without; KEEL_MAX_BODY_MB stays the ceiling.
TEST(JsonBody, RouteCapBoundsTheBodyRead) {
  Route small;
  small.spec.max_body_bytes = kSmallJsonBodyBytes;
  std::string at_cap = "{\"notes\":\"" + std::string(kSmallJsonBodyBytes - 12, 'x') + "\"}";
  ASSERT_EQ(at_cap.size(), kSmallJsonBodyBytes);
  std::string over = at_cap + " ";
  for (bool chunked : {false, true}) {
    EXPECT_EQ(read_json(at_cap, "application/json", &small, chunked).status, 200) << chunked;
    EXPECT_EQ(read_json(over, "application/json", &small, chunked).status, 413) << chunked;
    EXPECT_EQ(read_json(over, "application/json", nullptr, chunked).status, 200) << chunked;
  }
  Route above_ceiling;
  above_ceiling.spec.max_body_bytes = 2 * kCeiling;
  EXPECT_EQ(read_json(std::string(kCeiling + 1, ' '), "application/json", &above_ceiling).status, 413);
}
