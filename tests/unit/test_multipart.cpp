#include "services/multipart/parser.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace mp = keel::multipart;

namespace {

// A readable transcript of the events, with consecutive file_data merged so
// that it does not depend on how the body was split.
struct Transcript {
  std::vector<std::string> lines;
  std::optional<mp::ErrorKind> error;
  std::string detail;
  bool done = false;

  void take(const mp::Result& r) {
    for (const mp::Event& e : r.events) {
      switch (e.type) {
        case mp::Event::part_begin:
          lines.push_back("begin " + e.headers->name + " file=" + e.headers->filename.value_or("<none>") +
                          " type=" + e.headers->content_type);
          break;
        case mp::Event::file_data:
          EXPECT_FALSE(e.data.empty()) << "empty file_data event";
          if (!lines.empty() && lines.back().rfind("data ", 0) == 0) {
            lines.back().append(e.data);
          } else {
            lines.push_back("data " + std::string(e.data));
          }
          break;
        case mp::Event::part_end:
          lines.push_back("end " + e.headers->name);
          break;
        case mp::Event::field:
          lines.push_back("field " + e.headers->name + "=" + std::string(e.data));
          break;
        case mp::Event::done:
          lines.push_back("done");
          break;
      }
    }
    if (r.error && !error) {
      error = r.error->kind;
      detail = r.error->detail;
    }
  }
};

// Feeds `body` cut at `cuts` (sorted offsets), then finish().
Transcript run(std::string_view body, const std::vector<std::size_t>& cuts, const std::string& boundary,
               mp::Limits limits = {}, std::size_t* max_buffered = nullptr) {
  mp::Parser p(boundary, limits);
  Transcript t;
  std::size_t prev = 0;
  auto feed = [&](std::string_view piece) {
    // Copy into a fresh buffer so views into a previous chunk would be caught
    // by ASan if the parser kept them.
    std::string owned(piece);
    t.take(p.feed(owned));
    if (max_buffered) *max_buffered = std::max(*max_buffered, p.buffered_bytes());
  };
  for (std::size_t cut : cuts) {
    feed(body.substr(prev, cut - prev));
    prev = cut;
  }
  feed(body.substr(prev));
  t.take(p.finish());
  t.done = p.done();
  return t;
}

Transcript run_whole(std::string_view body, const std::string& boundary, mp::Limits limits = {}) {
  return run(body, {}, boundary, limits);
}

const std::string kBoundary = "----keelBoundary7MA4YWxkTrZu0gW";

std::string sample_body() {
  const std::string d = "--" + kBoundary;
  std::string file1 =
      "line one\r\n"
      "\r\n--" +
      kBoundary + "X not a delimiter" +              // boundary followed by other bytes
      "--" + kBoundary + "\r\n" +                    // no CRLF before: data
      "\r\n--" + kBoundary.substr(0, 10) + "\r\n" +  // truncated boundary
      "\r\n--" + kBoundary + "-x\r\n" +              // single dash
      "\r\n--" + kBoundary + " \t z\r\n" +           // padding, then not CRLF
      "\r\r\n\r\n-\r\n--\r" +                        // lone CRs and dashes
      "end";
  std::string body;
  body += "preamble that must be ignored\r\n--" + kBoundary + "x\r\n";  // fake delimiter in preamble
  body += d + "\r\n";
  body += "Content-Disposition: form-data; name=\"title\"\r\n\r\n";
  body += "Hello, world";
  body += "\r\n" + d + "\r\n";
  body += "content-disposition: form-data; name=description\r\n";
  body += "X-Ignored: yes\r\n\r\n";
  body += "multi\r\nline\r\n\r\nvalue";
  body += "\r\n" + d + "\r\n";
  body += "Content-Disposition: form-data; name=\"upload\"; filename=\"a.txt\"\r\n";
  body += "Content-Type: application/octet-stream\r\n\r\n";
  body += file1;
  body += "\r\n" + d + "  \r\n";  // transport padding after a real delimiter
  body += "Content-Disposition: form-data; name=\"empty\"\r\n\r\n";
  body += "\r\n" + d + "\r\n";
  body += "Content-Disposition: form-data; name=\"photo\"; filename=\"C:\\\\Users\\\\me\\\\pic.png\"\r\n";
  body += "Content-Type: image/png\r\n\r\n";
  body += std::string("\x89PNG\r\n\x1a\n\0\0\0", 11) + "\r\n";
  body += "\r\n" + d + "\r\n";
  body += "Content-Disposition: form-data; name=\"last\"\r\n\r\n";
  body += "bye";
  body += "\r\n" + d + "--\r\n";
  body += "epilogue \r\n--" + kBoundary + "\r\n garbage that is ignored";
  return body;
}

std::vector<std::string> sample_expected() {
  std::string file1 =
      "line one\r\n"
      "\r\n--" +
      kBoundary + "X not a delimiter" + "--" + kBoundary + "\r\n" + "\r\n--" + kBoundary.substr(0, 10) + "\r\n" +
      "\r\n--" + kBoundary + "-x\r\n" + "\r\n--" + kBoundary + " \t z\r\n" + "\r\r\n\r\n-\r\n--\r" + "end";
  return {
      "field title=Hello, world",
      "field description=multi\r\nline\r\n\r\nvalue",
      "begin upload file=a.txt type=application/octet-stream",
      "data " + file1,
      "end upload",
      "field empty=",
      "begin photo file=pic.png type=image/png",
      "data " + std::string("\x89PNG\r\n\x1a\n\0\0\0", 11) + "\r\n",
      "end photo",
      "field last=bye",
      "done",
  };
}

}  // namespace

// ---------------------------------------------------------------- boundary

TEST(MultipartBoundary, FromContentType) {
  EXPECT_EQ(mp::boundary_from_content_type("multipart/form-data; boundary=abc"), "abc");
  EXPECT_EQ(mp::boundary_from_content_type("Multipart/Form-Data;BOUNDARY=abc"), "abc");
  EXPECT_EQ(mp::boundary_from_content_type("multipart/form-data; boundary=\"a b:c\""), "a b:c");
  EXPECT_EQ(mp::boundary_from_content_type("multipart/form-data; charset=utf-8; boundary=\"x\"; a=b"), "x");
  EXPECT_EQ(mp::boundary_from_content_type("  multipart/form-data ;  boundary = xyz  "), "xyz");
  EXPECT_EQ(mp::boundary_from_content_type("multipart/form-data; boundary=" + std::string(70, 'a')),
            std::string(70, 'a'));
}

TEST(MultipartBoundary, RejectsBadContentTypes) {
  EXPECT_EQ(mp::boundary_from_content_type(""), std::nullopt);
  EXPECT_EQ(mp::boundary_from_content_type("multipart/form-data"), std::nullopt);
  EXPECT_EQ(mp::boundary_from_content_type("multipart/mixed; boundary=abc"), std::nullopt);
  EXPECT_EQ(mp::boundary_from_content_type("application/json; boundary=abc"), std::nullopt);
  EXPECT_EQ(mp::boundary_from_content_type("multipart/form-data; boundary="), std::nullopt);
  EXPECT_EQ(mp::boundary_from_content_type("multipart/form-data; boundary=\"\""), std::nullopt);
  EXPECT_EQ(mp::boundary_from_content_type("multipart/form-data; boundary=" + std::string(71, 'a')), std::nullopt);
  EXPECT_EQ(mp::boundary_from_content_type("multipart/form-data; boundary=\"ends with space \""), std::nullopt);
  EXPECT_EQ(mp::boundary_from_content_type("multipart/form-data; boundary=a@b"), std::nullopt);
  EXPECT_EQ(mp::boundary_from_content_type("multipart/form-data; boundary=\"unterminated"), std::nullopt);
  EXPECT_EQ(mp::boundary_from_content_type("multipart/form-data; boundary=a; boundary=b"), std::nullopt);
}

// ------------------------------------------------------- split invariance

TEST(MultipartParser, SampleInOneChunk) {
  const Transcript t = run_whole(sample_body(), kBoundary);
  EXPECT_EQ(t.error, std::nullopt) << t.detail;
  EXPECT_TRUE(t.done);
  EXPECT_EQ(t.lines, sample_expected());
}

TEST(MultipartParser, SampleSplitAtEveryOffset) {
  const std::string body = sample_body();
  const auto expected = sample_expected();
  for (std::size_t cut = 0; cut <= body.size(); ++cut) {
    const Transcript t = run(body, {cut}, kBoundary);
    ASSERT_EQ(t.error, std::nullopt) << "cut at " << cut << ": " << t.detail;
    ASSERT_EQ(t.lines, expected) << "cut at " << cut;
  }
}

TEST(MultipartParser, SampleSplitAtEveryPairOfOffsetsNearDelimiters) {
  // Three chunks, second one short: a delimiter spread over three feeds.
  const std::string body = sample_body();
  const auto expected = sample_expected();
  for (std::size_t a = 0; a < body.size(); a += 3) {
    for (std::size_t len = 1; len <= 8 && a + len <= body.size(); ++len) {
      const Transcript t = run(body, {a, a + len}, kBoundary);
      ASSERT_EQ(t.lines, expected) << "cuts " << a << "," << a + len;
    }
  }
}

TEST(MultipartParser, SampleOneByteAtATime) {
  const std::string body = sample_body();
  std::vector<std::size_t> cuts;
  for (std::size_t i = 1; i < body.size(); ++i) cuts.push_back(i);
  std::size_t max_buffered = 0;
  const Transcript t = run(body, cuts, kBoundary, {}, &max_buffered);
  EXPECT_EQ(t.error, std::nullopt) << t.detail;
  EXPECT_EQ(t.lines, sample_expected());
  EXPECT_LE(max_buffered, 8 * 1024 + 2 * 64 * 1024);
}

TEST(MultipartParser, SampleRandomChunkSizes) {
  const std::string body = sample_body();
  const auto expected = sample_expected();
  for (unsigned seed = 1; seed <= 300; ++seed) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<std::size_t> step(1, 1 + seed % 97);
    std::vector<std::size_t> cuts;
    for (std::size_t at = step(rng); at < body.size(); at += step(rng)) cuts.push_back(at);
    const Transcript t = run(body, cuts, kBoundary);
    ASSERT_EQ(t.lines, expected) << "seed " << seed;
  }
}

// --------------------------------------------------------------- features

TEST(MultipartParser, PreambleAndEpilogueIgnored) {
  const std::string body =
      "This is the preamble.\r\n--b\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--b--"
      "This is the epilogue, it can be anything, --b\r\n";
  const Transcript t = run_whole(body, "b");
  EXPECT_EQ(t.error, std::nullopt);
  EXPECT_EQ(t.lines, (std::vector<std::string>{"field a=1", "done"}));
}

TEST(MultipartParser, BodyStartingWithCrlfBeforeFirstDelimiter) {
  const std::string body = "\r\n--b\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--b--\r\n";
  EXPECT_EQ(run_whole(body, "b").lines, (std::vector<std::string>{"field a=v", "done"}));
}

TEST(MultipartParser, FeedAfterDoneIsIgnoredAndUnbuffered) {
  mp::Parser p("b");
  auto r = p.feed("--b\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--b--");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(p.done());
  for (int i = 0; i < 100; ++i) {
    r = p.feed(std::string(1000, 'x'));
    EXPECT_TRUE(r.ok());
    EXPECT_TRUE(r.events.empty());
  }
  EXPECT_EQ(p.buffered_bytes(), 0u);
  EXPECT_TRUE(p.finish().ok());
}

TEST(MultipartParser, NoPartsJustCloseDelimiter) {
  const Transcript t = run_whole("--b--\r\n", "b");
  EXPECT_EQ(t.error, std::nullopt);
  EXPECT_EQ(t.lines, (std::vector<std::string>{"done"}));
}

TEST(MultipartParser, EmptyFilePart) {
  const std::string body =
      "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"\"\r\n"
      "Content-Type: application/octet-stream\r\n\r\n\r\n--b--\r\n";
  const Transcript t = run_whole(body, "b");
  EXPECT_EQ(t.error, std::nullopt);
  EXPECT_EQ(t.lines, (std::vector<std::string>{"begin f file= type=application/octet-stream", "end f", "done"}));
}

TEST(MultipartParser, NameFileIsStreamedWithoutFilename) {
  const std::string body = "--b\r\nContent-Disposition: form-data; name=file\r\n\r\nbytes\r\n--b--";
  EXPECT_EQ(run_whole(body, "b").lines,
            (std::vector<std::string>{"begin file file=<none> type=text/plain", "data bytes", "end file", "done"}));
}

TEST(MultipartParser, FilenameStarPreferredAndDecoded) {
  const std::string body =
      "--b\r\nContent-Disposition: form-data; name=f; filename=\"fallback.txt\"; "
      "filename*=UTF-8''%C3%A9t%C3%A9.txt\r\n\r\nx\r\n--b--";
  EXPECT_EQ(run_whole(body, "b").lines[0], "begin f file=\xC3\xA9t\xC3\xA9.txt type=text/plain");
}

TEST(MultipartParser, FilenameStarAloneMakesAFile) {
  const std::string body =
      "--b\r\nContent-Disposition: form-data; name=f; FILENAME*=utf-8'en'a%20b.txt\r\n\r\nx\r\n--b--";
  EXPECT_EQ(run_whole(body, "b").lines[0], "begin f file=a b.txt type=text/plain");
}

TEST(MultipartParser, FilenameStarLatin1) {
  const std::string body =
      "--b\r\nContent-Disposition: form-data; name=f; filename*=iso-8859-1''%E9.txt\r\n\r\nx\r\n--b--";
  EXPECT_EQ(run_whole(body, "b").lines[0], "begin f file=\xC3\xA9.txt type=text/plain");
}

TEST(MultipartParser, BadFilenameStarFallsBackToFilename) {
  for (const char* ext : {"UTF-8''%C3", "UTF-8''%ZZ", "koi8-r''%E9", "no-quotes", "UTF-8''%FF"}) {
    const std::string body = std::string("--b\r\nContent-Disposition: form-data; name=f; filename=\"plain.txt\"; ") +
                             "filename*=" + ext + "\r\n\r\nx\r\n--b--";
    EXPECT_EQ(run_whole(body, "b").lines[0], "begin f file=plain.txt type=text/plain") << ext;
  }
  // Without a usable filename at all the part is a field.
  const std::string body = "--b\r\nContent-Disposition: form-data; name=f; filename*=x''y\r\n\r\nv\r\n--b--";
  EXPECT_EQ(run_whole(body, "b").lines[0], "field f=v");
}

TEST(MultipartParser, FilenamePathStripped) {
  const auto first = [](const std::string& fn) {
    return run_whole("--b\r\nContent-Disposition: form-data; name=f; filename=\"" + fn + "\"\r\n\r\n\r\n--b--", "b")
        .lines[0];
  };
  EXPECT_EQ(first("../../etc/passwd"), "begin f file=passwd type=text/plain");
  EXPECT_EQ(first("C:\\dir\\x.txt"), "begin f file=x.txt type=text/plain");
  EXPECT_EQ(first("dir/"), "begin f file= type=text/plain");
  EXPECT_EQ(first("a\\\"b.txt"), "begin f file=a\"b.txt type=text/plain");  // escaped quote
}

TEST(MultipartParser, ContentDispositionVariants) {
  const auto first = [](const std::string& cd) { return run_whole("--b\r\n" + cd + "\r\n\r\nv\r\n--b--", "b"); };
  EXPECT_EQ(first("CONTENT-DISPOSITION: Form-Data; NAME=\"n\"").lines[0], "field n=v");
  EXPECT_EQ(first("Content-Disposition:form-data;name=n;").lines[0], "field n=v");
  EXPECT_EQ(first("Content-Disposition: form-data ; name = \"a;b\" ").lines[0], "field a;b=v");
  EXPECT_EQ(first("Content-Disposition: form-data; name=\"\"").lines[0], "field =v");
}

TEST(MultipartParser, TransportPaddingAfterDelimiter) {
  const std::string body =
      "--b \t \r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--b\t\r\n"
      "Content-Disposition: form-data; name=c\r\n\r\nw\r\n--b--";
  EXPECT_EQ(run_whole(body, "b").lines, (std::vector<std::string>{"field a=v", "field c=w", "done"}));
}

TEST(MultipartParser, ExcessivePaddingIsData) {
  const std::string pad(40, ' ');
  const std::string body = "--b\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n--b" + pad + "\r\nmore\r\n--b--";
  EXPECT_EQ(run_whole(body, "b").lines, (std::vector<std::string>{"field a=v\r\n--b" + pad + "\r\nmore", "done"}));
}

TEST(MultipartParser, ContentTypeDefaultAndCaseInsensitive) {
  const std::string body =
      "--b\r\nContent-Disposition: form-data; name=f; filename=a\r\n\r\nx\r\n--b\r\n"
      "cOnTeNt-TyPe: text/csv; charset=utf-8\r\n"
      "Content-Disposition: form-data; name=g; filename=b\r\n\r\ny\r\n--b--";
  const Transcript t = run_whole(body, "b");
  EXPECT_EQ(t.lines[0], "begin f file=a type=text/plain");
  EXPECT_EQ(t.lines[3], "begin g file=b type=text/csv; charset=utf-8");
}

TEST(MultipartParser, LargeFileIsStreamedWithBoundedMemory) {
  std::string payload;
  std::mt19937 rng(7);
  for (int i = 0; i < 3 * 1024 * 1024; ++i) payload.push_back(static_cast<char>("ab\r\n-"[rng() % 5]));
  const std::string b = "XyZ";
  const std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=f; filename=big.bin\r\n\r\n" + payload + "\r\n--XyZ--\r\n";
  mp::Limits limits;
  limits.max_field_bytes = 16;  // must not apply to files
  std::vector<std::size_t> cuts;
  for (std::size_t at = 100000; at < body.size(); at += 100003) cuts.push_back(at);
  std::size_t max_buffered = 0;
  const Transcript t = run(body, cuts, b, limits, &max_buffered);
  ASSERT_EQ(t.error, std::nullopt) << t.detail;
  ASSERT_EQ(t.lines.size(), 4u);
  EXPECT_TRUE(t.lines[1] == "data " + payload);
  EXPECT_LE(max_buffered, 128u);
}

TEST(MultipartParser, ManyFieldsInOneChunkKeepDistinctViews) {
  // A field buffered across feeds completes in the same feed as fields that
  // live wholly in the chunk; all views must stay intact.
  mp::Parser p("b");
  ASSERT_TRUE(p.feed("--b\r\nContent-Disposition: form-data; name=a\r\n\r\nfirst-").ok());
  const std::string second =
      "half\r\n--b\r\nContent-Disposition: form-data; name=b\r\n\r\nB\r\n--b\r\n"
      "Content-Disposition: form-data; name=c\r\n\r\nC\r\n--b\r\nContent-Disposition: form-data; name=d\r\n\r\nD-st";
  const mp::Result r = p.feed(second);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.events.size(), 3u);
  EXPECT_EQ(r.events[0].headers->name, "a");
  EXPECT_EQ(r.events[0].data, "first-half");
  EXPECT_EQ(r.events[1].headers->name, "b");
  EXPECT_EQ(r.events[1].data, "B");
  EXPECT_EQ(r.events[2].headers->name, "c");
  EXPECT_EQ(r.events[2].data, "C");
  const mp::Result r2 = p.feed("art\r\n--b--");
  ASSERT_EQ(r2.events.size(), 2u);
  EXPECT_EQ(r2.events[0].headers->name, "d");
  EXPECT_EQ(r2.events[0].data, "D-start");
}

TEST(MultipartParser, HeadersPointerStableAcrossFeeds) {
  mp::Parser p("b");
  const mp::Result r1 = p.feed("--b\r\nContent-Disposition: form-data; name=f; filename=x\r\n\r\nab");
  ASSERT_EQ(r1.events.size(), 2u);
  const mp::Result r2 = p.feed("cd\r\n--b--");
  ASSERT_EQ(r2.events.size(), 3u);
  EXPECT_EQ(r2.events[1].type, mp::Event::part_end);
  EXPECT_EQ(r2.events[1].headers->name, "f");
  EXPECT_EQ(r2.events[1].headers->filename, "x");
}

// ----------------------------------------------------------------- errors

TEST(MultipartErrors, EmptyBody) {
  const Transcript t = run_whole("", "b");
  EXPECT_EQ(t.error, mp::ErrorKind::malformed);
  EXPECT_EQ(t.detail, "multipart body has no boundary delimiter");
}

TEST(MultipartErrors, MissingCloseDelimiter) {
  for (const std::string body : {"--b\r\nContent-Disposition: form-data; name=a\r\n\r\nvalue",
                                 "--b\r\nContent-Disposition: form-data; name=a\r\n\r\nvalue\r\n--b",
                                 "--b\r\nContent-Disposition: form-data; name=a\r\n\r\nvalue\r\n--b-",
                                 "--b\r\nContent-Disposition: form-data; name=a\r\n\r\nvalue\r\n--b\r\n",
                                 "--b\r\nContent-Disposition: form-data; name=a\r\n"}) {
    const Transcript t = run_whole(body, "b");
    EXPECT_EQ(t.error, mp::ErrorKind::malformed) << body;
    EXPECT_EQ(t.detail, "multipart body has no closing delimiter") << body;
    EXPECT_FALSE(t.done);
  }
}

TEST(MultipartErrors, MalformedHeaders) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"X-Other: 1", "multipart part has no Content-Disposition header"},
      {"", "multipart part has no Content-Disposition header"},
      {"Content-Disposition: form-data", "multipart part Content-Disposition has no name"},
      {"Content-Disposition: form-data; filename=a", "multipart part Content-Disposition has no name"},
      {"Content-Disposition: attachment; name=a", "multipart part Content-Disposition is not form-data"},
      {"Content-Disposition: form-data; name=\"a", "multipart part Content-Disposition header is malformed"},
      {"Content-Disposition: form-data; name=a; name=b", "multipart part Content-Disposition header is malformed"},
      {"Content-Disposition: form-data; name", "multipart part Content-Disposition header is malformed"},
      {"Content-Disposition: form-data; name=a b", "multipart part Content-Disposition header is malformed"},
      {"Content-Disposition: form-data; name=a\r\nContent-Disposition: form-data; name=b",
       "multipart part has more than one Content-Disposition header"},
      {"Content-Disposition: form-data; name=a\r\nno colon here",
       "multipart part header line is not of the form 'Name: value'"},
      {"Content-Disposition: form-data; name=a\r\n folded: continuation", "multipart part header name is invalid"},
      {"Content-Disposition: form-data; name=a\nX: y", "multipart part header line has a stray CR or LF"},
  };
  for (const auto& [headers, detail] : cases) {
    const std::string body = "--b\r\n" + headers + "\r\n\r\nv\r\n--b--";
    const Transcript t = run_whole(body, "b");
    EXPECT_EQ(t.error, mp::ErrorKind::malformed) << headers;
    EXPECT_EQ(t.detail, detail) << headers;
  }
}

TEST(MultipartErrors, FilenameStarNotUtf8WithoutFallback) {
  // Overlong forms, surrogates, values past U+10FFFF and bad escapes in a
  // filename* with no filename to fall back to fail the body (400).
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"UTF-8''a%C0%80b.txt", "multipart part Content-Disposition filename* is not valid UTF-8 once percent-decoded"},
      {"UTF-8''%C0%AFx.txt", "multipart part Content-Disposition filename* is not valid UTF-8 once percent-decoded"},
      {"UTF-8''%ED%A0%80.txt", "multipart part Content-Disposition filename* is not valid UTF-8 once percent-decoded"},
      {"UTF-8''%F4%90%80%80", "multipart part Content-Disposition filename* is not valid UTF-8 once percent-decoded"},
      {"UTF-8''%ZZ",
       "multipart part Content-Disposition filename* is not of the form charset'language'percent-encoded-bytes"},
  };
  for (const auto& [ext, detail] : cases) {
    const std::string body =
        "--b\r\nContent-Disposition: form-data; name=file; filename*=" + ext + "\r\n\r\nv\r\n--b--";
    const Transcript t = run_whole(body, "b");
    EXPECT_EQ(t.error, mp::ErrorKind::malformed) << ext;
    EXPECT_EQ(t.detail, detail) << ext;
    EXPECT_TRUE(t.lines.empty()) << ext;
  }
}

TEST(MultipartErrors, HeadersTooLarge) {
  mp::Limits limits;
  limits.max_header_bytes = 100;
  const std::string cd = "Content-Disposition: form-data; name=a";  // 38 bytes + CRLF
  // Exactly at the limit: 40 (CD line) + 58 (filler line) + 2 (blank line).
  const std::string filler = "X: " + std::string(53, 'y');
  const std::string ok_body = "--b\r\n" + cd + "\r\n" + filler + "\r\n\r\nv\r\n--b--";
  EXPECT_EQ(run_whole(ok_body, "b", limits).error, std::nullopt);
  const std::string big = "--b\r\n" + cd + "\r\n" + filler + "y\r\n\r\nv\r\n--b--";
  const Transcript t = run_whole(big, "b", limits);
  EXPECT_EQ(t.error, mp::ErrorKind::headers_too_large);
  EXPECT_EQ(t.detail, "multipart part headers exceed 100 bytes");
  // Endless header without a blank line is caught without buffering it all.
  mp::Parser p("b", limits);
  ASSERT_TRUE(p.feed("--b\r\n").ok());
  mp::Result r = p.feed(std::string(1 << 20, 'h'));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->kind, mp::ErrorKind::headers_too_large);
  EXPECT_LE(p.buffered_bytes(), 101u);
}

TEST(MultipartErrors, TooManyParts) {
  mp::Limits limits;
  limits.max_parts = 3;
  std::string body;
  for (int i = 0; i < 3; ++i) body += "--b\r\nContent-Disposition: form-data; name=p\r\n\r\nv\r\n";
  EXPECT_EQ(run_whole(body + "--b--", "b", limits).error, std::nullopt);
  const Transcript t = run_whole(body + "--b\r\nContent-Disposition: form-data; name=p\r\n\r\nv\r\n--b--", "b", limits);
  EXPECT_EQ(t.error, mp::ErrorKind::too_many_parts);
  EXPECT_EQ(t.detail, "multipart body has more than 3 parts");
  EXPECT_EQ(t.lines.size(), 3u);  // the three allowed fields came out first
}

TEST(MultipartErrors, FieldTooLarge) {
  mp::Limits limits;
  limits.max_field_bytes = 10;
  const std::string at_limit = "--b\r\nContent-Disposition: form-data; name=a\r\n\r\n0123456789\r\n--b--";
  const std::string over = "--b\r\nContent-Disposition: form-data; name=a\r\n\r\n0123456789X\r\n--b--";
  for (std::size_t cut = 0; cut <= over.size(); ++cut) {
    EXPECT_EQ(run(at_limit, {std::min(cut, at_limit.size())}, "b", limits).error, std::nullopt) << cut;
    const Transcript t = run(over, {cut}, "b", limits);
    EXPECT_EQ(t.error, mp::ErrorKind::field_too_large) << cut;
    EXPECT_EQ(t.detail, "multipart field 'a' exceeds 10 bytes");
  }
  // An unterminated huge field fails early, without buffering it.
  mp::Parser p("b", limits);
  ASSERT_TRUE(p.feed("--b\r\nContent-Disposition: form-data; name=a\r\n\r\n").ok());
  const mp::Result r = p.feed(std::string(1 << 20, 'x'));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->kind, mp::ErrorKind::field_too_large);
  EXPECT_LE(p.buffered_bytes(), 10u);
}

TEST(MultipartErrors, FieldNameInDetailIsPrintable) {
  mp::Limits limits;
  limits.max_field_bytes = 1;
  const std::string body =
      "--b\r\nContent-Disposition: form-data; name=\"\xC3\xA9" + std::string(70, 'n') + "\"\r\n\r\nxy\r\n--b--";
  const Transcript t = run_whole(body, "b", limits);
  EXPECT_EQ(t.error, mp::ErrorKind::field_too_large);
  EXPECT_EQ(t.detail, "multipart field '??" + std::string(62, 'n') + "...' exceeds 1 bytes");
}

TEST(MultipartErrors, ErrorIsSticky) {
  mp::Parser p("b");
  ASSERT_FALSE(p.feed("--b\r\nbad header\r\n\r\n").ok());
  EXPECT_TRUE(p.failed());
  const mp::Result r = p.feed("--b--");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->kind, mp::ErrorKind::malformed);
  EXPECT_TRUE(r.events.empty());
  EXPECT_FALSE(p.finish().ok());
}

TEST(MultipartErrors, InvalidBoundaryFailsFirstFeed) {
  mp::Parser p("");
  const mp::Result r = p.feed("--\r\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error->detail, "multipart boundary is invalid");
}

TEST(MultipartErrors, ErrorsAreSplitInvariant) {
  mp::Limits limits;
  limits.max_field_bytes = 8;
  limits.max_header_bytes = 64;
  limits.max_parts = 2;
  const std::vector<std::string> bodies = {
      "--b\r\nContent-Disposition: form-data; name=a\r\n\r\n123456789\r\n--b--",
      "--b\r\nContent-Disposition: form-data; name=a; filename=\"" + std::string(60, 'n') + "\"\r\n\r\n\r\n--b--",
      "--b\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--b\r\nContent-Disposition: form-data; name=b\r\n"
      "\r\n2\r\n--b\r\nContent-Disposition: form-data; name=c\r\n\r\n3\r\n--b--",
      "--b\r\nContent-Type: x\r\n\r\n\r\n--b--",
  };
  for (const std::string& body : bodies) {
    const Transcript whole = run_whole(body, "b", limits);
    ASSERT_TRUE(whole.error.has_value());
    for (std::size_t cut = 0; cut <= body.size(); ++cut) {
      const Transcript t = run(body, {cut}, "b", limits);
      EXPECT_EQ(t.error, whole.error) << body << " cut " << cut;
      EXPECT_EQ(t.detail, whole.detail);
      EXPECT_EQ(t.lines, whole.lines);
    }
  }
}
