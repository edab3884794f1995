#include "http/file/plan.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace hf = keel::http_file;
using hf::Method;

namespace {

const std::string kFile = "0123456789\n";  // Go's testdata/file, 11 bytes
constexpr std::time_t kModTime = 1403716338;
const std::string kModStr = "Wed, 25 Jun 2014 17:12:18 GMT";
const std::string kBoundary = "3d6b6a416f9b5";
const std::string kType = "text/plain; charset=utf-8";

hf::PlanInput input(Method m = Method::get, hf::RequestHeaders h = {}) {
  hf::PlanInput in;
  in.method = m;
  in.request = h;
  in.file_size = kFile.size();
  in.validators = {"\"v1\"", kModTime};
  in.content_type = kType;
  in.boundary = kBoundary;
  return in;
}

// The bytes the caller would send.
std::string render(const hf::Plan& plan, const std::string& file = kFile) {
  std::string out;
  for (const hf::Segment& s : plan.body) {
    if (const auto* lit = std::get_if<std::string>(&s)) {
      out += *lit;
    } else {
      const auto& r = std::get<hf::ByteRange>(s);
      out += file.substr(r.offset, r.length);
    }
  }
  return out;
}

std::vector<std::string> names(const hf::Plan& plan) {
  std::vector<std::string> v;
  for (const auto& h : plan.headers) v.push_back(h.first);
  return v;
}

using Names = std::vector<std::string>;

}  // namespace

// Go's ServeFileRangeTests: {start, end) ranges on an 11-byte file.
TEST(FilePlan, GoServeFileRangeTests) {
  struct Want {
    std::uint64_t start, end;
  };
  struct Case {
    const char* range;
    int status;
    std::vector<Want> ranges;
  };
  const std::uint64_t len = kFile.size();
  const std::vector<Case> cases = {
      {"", 200, {}},
      {"bytes=0-4", 206, {{0, 5}}},
      {"bytes=2-", 206, {{2, len}}},
      {"bytes=-5", 206, {{len - 5, len}}},
      {"bytes=3-7", 206, {{3, 8}}},
      {"bytes=0-0,-2", 206, {{0, 1}, {len - 2, len}}},
      {"bytes=0-1,5-8", 206, {{0, 2}, {5, 9}}},
      {"bytes=0-1,5-", 206, {{0, 2}, {5, len}}},
      {"bytes=5-1000", 206, {{5, len}}},
      {"bytes=0-,1-,2-,3-,4-", 200, {}},  // ignore wasteful range request
      {"bytes=0-9", 206, {{0, len - 1}}},
      {"bytes=0-10", 206, {{0, len}}},
      {"bytes=0-11", 206, {{0, len}}},
      {"bytes=10-11", 206, {{len - 1, len}}},
      {"bytes=10-", 206, {{len - 1, len}}},
      {"bytes=11-", 416, {}},
      {"bytes=11-12", 416, {}},
      {"bytes=12-12", 416, {}},
      {"bytes=11-100", 416, {}},
      {"bytes=12-100", 416, {}},
      {"bytes=100-", 416, {}},
      {"bytes=100-1000", 416, {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.range);
    const hf::Plan plan = hf::plan_file_response(input(Method::get, {.range = c.range}));
    ASSERT_EQ(plan.status, c.status);
    const std::string body = render(plan);
    if (c.status == 416) {
      EXPECT_EQ(plan.header("Content-Range"), "bytes */11");
      EXPECT_TRUE(plan.body.empty());
      EXPECT_EQ(plan.content_length, 0u);
      continue;
    }
    EXPECT_EQ(plan.header("Content-Length"), std::to_string(body.size()));
    EXPECT_EQ(plan.content_length, body.size());
    if (c.status == 200) {
      EXPECT_EQ(body, kFile);
      EXPECT_EQ(plan.header("Content-Range"), std::nullopt);
      EXPECT_EQ(plan.header("Content-Type"), kType);
    } else if (c.ranges.size() == 1) {
      const Want w = c.ranges[0];
      EXPECT_EQ(body, kFile.substr(w.start, w.end - w.start));
      EXPECT_EQ(plan.header("Content-Range"),
                "bytes " + std::to_string(w.start) + "-" + std::to_string(w.end - 1) + "/11");
      EXPECT_EQ(plan.header("Content-Type"), kType);
    } else {
      EXPECT_EQ(plan.header("Content-Range"), std::nullopt);
      EXPECT_EQ(plan.header("Content-Type"), "multipart/byteranges; boundary=" + kBoundary);
      std::string want;
      for (std::size_t i = 0; i < c.ranges.size(); ++i) {
        const Want w = c.ranges[i];
        want += (i ? "\r\n--" : "--") + kBoundary + "\r\nContent-Type: " + kType + "\r\nContent-Range: bytes " +
                std::to_string(w.start) + "-" + std::to_string(w.end - 1) + "/11\r\n\r\n" +
                kFile.substr(w.start, w.end - w.start);
      }
      want += "\r\n--" + kBoundary + "--\r\n";
      EXPECT_EQ(body, want);
    }
  }
}

TEST(FilePlan, FullResponseHeaders) {
  const hf::Plan plan = hf::plan_file_response(input());
  EXPECT_EQ(plan.status, 200);
  EXPECT_EQ(names(plan), (Names{"ETag", "Last-Modified", "Accept-Ranges", "Content-Type", "Content-Length"}));
  EXPECT_EQ(plan.header("ETag"), "\"v1\"");
  EXPECT_EQ(plan.header("Last-Modified"), kModStr);
  EXPECT_EQ(plan.header("Accept-Ranges"), "bytes");
  EXPECT_EQ(plan.header("Content-Length"), "11");
  ASSERT_EQ(plan.body.size(), 1u);
  EXPECT_EQ(std::get<hf::ByteRange>(plan.body[0]), (hf::ByteRange{0, 11}));
}

TEST(FilePlan, NoValidatorsNoValidatorHeaders) {
  hf::PlanInput in = input();
  in.validators = {};
  in.content_type = "";
  const hf::Plan plan = hf::plan_file_response(in);
  EXPECT_EQ(names(plan), (Names{"Accept-Ranges", "Content-Type", "Content-Length"}));
  EXPECT_EQ(plan.header("Content-Type"), "application/octet-stream");
}

TEST(FilePlan, SingleRangeHeaders) {
  const hf::Plan plan = hf::plan_file_response(input(Method::get, {.range = "bytes=0-4"}));
  EXPECT_EQ(plan.status, 206);
  EXPECT_EQ(names(plan),
            (Names{"ETag", "Last-Modified", "Accept-Ranges", "Content-Type", "Content-Length", "Content-Range"}));
  EXPECT_EQ(plan.header("Content-Range"), "bytes 0-4/11");
  EXPECT_EQ(render(plan), "01234");
}

TEST(FilePlan, MultipartBodyIsExact) {
  const hf::Plan plan = hf::plan_file_response(input(Method::get, {.range = "bytes=1-2, 8-"}));
  EXPECT_EQ(plan.status, 206);
  const std::string want = "--" + kBoundary +
                           "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes 1-2/11\r\n\r\n12"
                           "\r\n--" +
                           kBoundary +
                           "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Range: bytes 8-10/11\r\n\r\n89\n"
                           "\r\n--" +
                           kBoundary + "--\r\n";
  EXPECT_EQ(render(plan), want);
  EXPECT_EQ(plan.content_length, want.size());
  EXPECT_EQ(plan.header("Content-Length"), std::to_string(want.size()));
  ASSERT_EQ(plan.body.size(), 5u);  // head, range, head, range, tail
  EXPECT_EQ(std::get<hf::ByteRange>(plan.body[1]), (hf::ByteRange{1, 2}));
  EXPECT_EQ(std::get<hf::ByteRange>(plan.body[3]), (hf::ByteRange{8, 3}));
}

TEST(FilePlan, OverlappingRangesCoalesceToSinglePart) {
  const hf::Plan plan = hf::plan_file_response(input(Method::get, {.range = "bytes=0-3,2-5"}));
  EXPECT_EQ(plan.status, 206);
  EXPECT_EQ(plan.header("Content-Range"), "bytes 0-5/11");
  EXPECT_EQ(render(plan), "012345");
}

TEST(FilePlan, HeadMatchesGetWithoutBody) {
  for (const char* range : {"", "bytes=0-4", "bytes=0-1,5-8", "bytes=100-"}) {
    const hf::Plan get = hf::plan_file_response(input(Method::get, {.range = range}));
    const hf::Plan head = hf::plan_file_response(input(Method::head, {.range = range}));
    EXPECT_EQ(head.status, get.status) << range;
    EXPECT_EQ(head.headers, get.headers) << range;
    EXPECT_EQ(head.content_length, get.content_length) << range;
    EXPECT_TRUE(head.body.empty()) << range;
  }
}

TEST(FilePlan, NotModified) {
  for (const hf::RequestHeaders& h :
       {hf::RequestHeaders{.if_none_match = "\"v1\""}, hf::RequestHeaders{.if_modified_since = kModStr},
        hf::RequestHeaders{.if_none_match = "W/\"v1\"", .range = "bytes=0-1"}}) {
    for (Method m : {Method::get, Method::head}) {
      const hf::Plan plan = hf::plan_file_response(input(m, h));
      EXPECT_EQ(plan.status, 304);
      EXPECT_EQ(names(plan), (Names{"ETag", "Last-Modified"}));
      EXPECT_TRUE(plan.body.empty());
      EXPECT_EQ(plan.content_length, 0u);
    }
  }
}

TEST(FilePlan, PreconditionFailed) {
  for (const hf::RequestHeaders& h :
       {hf::RequestHeaders{.if_match = "\"v0\""},
        hf::RequestHeaders{.if_unmodified_since = "Wed, 25 Jun 2014 17:12:17 GMT", .range = "bytes=0-1"}}) {
    const hf::Plan plan = hf::plan_file_response(input(Method::get, h));
    EXPECT_EQ(plan.status, 412);
    EXPECT_EQ(names(plan), (Names{"ETag", "Last-Modified"}));
    EXPECT_TRUE(plan.body.empty());
    EXPECT_EQ(plan.content_length, 0u);
  }
}

TEST(FilePlan, RangeNotSatisfiable) {
  const hf::Plan plan = hf::plan_file_response(input(Method::get, {.range = "bytes=11-"}));
  EXPECT_EQ(plan.status, 416);
  EXPECT_EQ(names(plan), (Names{"ETag", "Last-Modified", "Accept-Ranges", "Content-Range"}));
  EXPECT_EQ(plan.header("Content-Range"), "bytes */11");
}

TEST(FilePlan, IfRange) {
  // Go's TestServeContent range_* cases.
  struct Case {
    const char* if_range;
    int status;
  };
  for (const Case& c : {Case{"\"v1\"", 206}, Case{"\"v2\"", 200}, Case{"W/\"v1\"", 200}, Case{kModStr.c_str(), 206},
                        Case{"Wed, 25 Jun 2014 17:12:19 GMT", 200}, Case{"nonsense", 200}}) {
    const hf::Plan plan = hf::plan_file_response(input(Method::get, {.range = "bytes=0-4", .if_range = c.if_range}));
    EXPECT_EQ(plan.status, c.status) << c.if_range;
    EXPECT_EQ(plan.header("Content-Range").has_value(), c.status == 206) << c.if_range;
  }
  // If-Range that fails turns even an unsatisfiable Range into a 200.
  EXPECT_EQ(hf::plan_file_response(input(Method::get, {.range = "bytes=100-", .if_range = "\"v2\""})).status, 200);
  // If-Range without Range does nothing.
  EXPECT_EQ(hf::plan_file_response(input(Method::get, {.if_range = "\"v2\""})).status, 200);
}

TEST(FilePlan, EmptyFileIgnoresRanges) {
  // Go issue 54794.
  for (const char* range : {"bytes=0-128", "bytes=1-", "bytes=-1"}) {
    hf::PlanInput in = input(Method::get, {.range = range});
    in.file_size = 0;
    const hf::Plan plan = hf::plan_file_response(in);
    EXPECT_EQ(plan.status, 200) << range;
    EXPECT_EQ(plan.header("Content-Length"), "0");
    EXPECT_TRUE(plan.body.empty());
  }
}

TEST(FilePlan, OtherMethodsIgnoreRangeButKeepPreconditions) {
  EXPECT_EQ(hf::plan_file_response(input(Method::other, {.range = "bytes=0-1"})).status, 200);
  EXPECT_EQ(hf::plan_file_response(input(Method::other, {.if_none_match = "*"})).status, 412);
}

TEST(FilePlan, InvalidBoundaryThrowsOnlyForMultipart) {
  hf::PlanInput in = input(Method::get, {.range = "bytes=0-1,5-6"});
  in.boundary = "";
  EXPECT_THROW(hf::plan_file_response(in), std::invalid_argument);
  in.boundary = "bad\r\nboundary";
  EXPECT_THROW(hf::plan_file_response(in), std::invalid_argument);
  in.request.range = "bytes=0-1";
  EXPECT_EQ(hf::plan_file_response(in).status, 206);
}

TEST(FilePlan, LargeFileOffsets) {
  hf::PlanInput in = input(Method::get, {.range = "bytes=-10"});
  in.file_size = 10'000'000'000ULL;
  const hf::Plan plan = hf::plan_file_response(in);
  EXPECT_EQ(plan.header("Content-Range"), "bytes 9999999990-9999999999/10000000000");
  EXPECT_EQ(std::get<hf::ByteRange>(plan.body.at(0)), (hf::ByteRange{9'999'999'990ULL, 10}));
}
