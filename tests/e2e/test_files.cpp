// Uploads (raw, multipart, audio), downloads and static files: RFC 9110
// ranges and conditional requests against both /static and /api/uploads.
#include "e2e/support.hpp"

#include <gtest/gtest.h>

#include <sys/socket.h>
#include <sys/stat.h>
#include <utime.h>
#include <filesystem>
#include <fstream>
#include <future>
#include <thread>

using namespace e2e;
using nlohmann::json;
using namespace std::chrono;
namespace fs = std::filesystem;

namespace {

const char* kKey = "files-admin-key";

std::string pattern(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + (i * 7 + i / 13) % 26);
  return s;
}

class Files : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = new TestDatabase();
    keel_ = new Keel(Env{{"KEEL_DB_URL", db_->url},
                         {"KEEL_AUTO_MIGRATE", "1"},
                         {"KEEL_ADMIN_API_KEY", kKey},
                         {"KEEL_MAX_UPLOAD_MB", "8"}});
    // Static fixtures.
    std::ofstream(keel_->static_dir() + "/hello.txt", std::ios::binary) << pattern(1000);
    fs::create_directories(keel_->static_dir() + "/css");
    std::ofstream(keel_->static_dir() + "/css/site.css") << "body{color:red}";
    std::ofstream(keel_->static_dir() + "/.secret") << "no";
    std::ofstream(keel_->dir() + "/outside.txt") << "outside";
    fs::create_symlink(keel_->dir() + "/outside.txt", keel_->static_dir() + "/escape.txt");
    fs::create_symlink(keel_->static_dir() + "/hello.txt", keel_->static_dir() + "/alias.txt");
    // The same 1000 bytes as an upload.
    auto r = upload_raw(pattern(1000), {{"X-Filename", "hello.txt"}, {"Content-Type", "text/plain"}});
    upload_id_ = r.json()["id"];
  }
  static void TearDownTestSuite() {
    delete keel_;
    delete db_;
  }
  static unsigned port() { return keel_->port(); }
  static std::pair<std::string, std::string> admin() { return {"X-API-Key", kKey}; }

  static HttpResponse upload_raw(const std::string& body, std::vector<std::pair<std::string, std::string>> headers = {},
                                 const std::string& path = "/api/uploads") {
    bool has_auth = false;
    for (auto& [k, v] : headers)
      if (k == "X-API-Key" || k == "Authorization") has_auth = true;
    if (!has_auth) headers.push_back(admin());
    auto r = request(port(), {"POST", path, headers, body});
    if (!r) throw std::runtime_error("no response");
    return *r;
  }
  static std::string multipart(const std::string& boundary,
                               const std::vector<std::tuple<std::string, std::string, std::string>>& parts) {
    std::string b;
    for (const auto& [name, filename, content] : parts) {
      b += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"";
      if (!filename.empty()) b += "; filename=\"" + filename + "\"\r\nContent-Type: application/octet-stream";
      b += "\r\n\r\n" + content + "\r\n";
    }
    return b + "--" + boundary + "--\r\n";
  }
  static std::string upload_path() { return "/api/uploads/" + upload_id_; }

  static TestDatabase* db_;
  static Keel* keel_;
  static std::string upload_id_;
};
TestDatabase* Files::db_ = nullptr;
Keel* Files::keel_ = nullptr;
std::string Files::upload_id_;

}  // namespace

TEST_F(Files, RawUploadStoresBytesAndHash) {
  std::string data = pattern(3 * 1024 * 1024 + 17);  // over several 1 MiB chunks
  auto r = upload_raw(data, {{"X-Filename", "r%C3%A9sum%C3%A9.bin"}, {"Content-Type", "application/x-test"}});
  ASSERT_EQ(r.status, 201) << r.body;
  auto j = r.json();
  EXPECT_EQ(j["size"], data.size());
  EXPECT_EQ(j["sha256"], sha256_hex(data));
  EXPECT_EQ(j["filename"], "résumé.bin");
  EXPECT_EQ(j["content_type"], "application/x-test");
  std::string id = j["id"];
  EXPECT_GE(id.size(), 22u);
  EXPECT_EQ(j["url"], "/api/uploads/" + id);
  auto g = get(port(), j["url"]);
  ASSERT_EQ(g.status, 200);
  EXPECT_EQ(g.body, data);
  EXPECT_EQ(g.header("ETag").value_or(""), "\"" + sha256_hex(data) + "\"");
  EXPECT_EQ(g.header("Accept-Ranges").value_or(""), "bytes");
  EXPECT_EQ(g.header("Content-Type").value_or(""), "application/x-test");
  EXPECT_NE(g.header("Content-Disposition").value_or("").find("filename*=UTF-8''r%C3%A9sum%C3%A9.bin"),
            std::string::npos);
  EXPECT_TRUE(g.header("Last-Modified"));
  // Stored under a generated name, not the client's.
  auto [rc, path] = db_->sql("SELECT storage_path FROM uploads WHERE id = '" + id + "'");
  EXPECT_EQ(path.find("sum"), std::string::npos);
  EXPECT_NE(path.find(id), std::string::npos);
  EXPECT_EQ(count_files(keel_->data_dir() + "/tmp"), 0u);
}

TEST_F(Files, ContentDispositionFilenameStarIsUsed) {
  auto r = upload_raw(
      "x", {{"Content-Disposition", "attachment; filename=\"fallback.txt\"; filename*=UTF-8''%E2%82%AC%20rates.txt"}});
  ASSERT_EQ(r.status, 201);
  EXPECT_EQ(r.json()["filename"], "€ rates.txt");
  auto p = upload_raw("x", {{"X-Filename", "..%2F..%2Fetc%2Fpasswd"}});
  EXPECT_EQ(p.json()["filename"], "passwd");
}

TEST_F(Files, EmptyFileIsAValidUpload) {
  auto r = upload_raw("");
  ASSERT_EQ(r.status, 201);
  EXPECT_EQ(r.json()["size"], 0);
  EXPECT_EQ(r.json()["sha256"], sha256_hex(""));
  auto g = get(port(), r.json()["url"]);
  EXPECT_EQ(g.status, 200);
  EXPECT_EQ(g.body, "");
  auto m =
      upload_raw(multipart("BB", {{"file", "empty.txt", ""}}), {{"Content-Type", "multipart/form-data; boundary=BB"}});
  ASSERT_EQ(m.status, 201) << m.body;
  EXPECT_EQ(m.json()["size"], 0);
}

TEST_F(Files, MultipartUploadKeepsFieldsAsMetadata) {
  std::string content = pattern(2500000) + "\r\n--XyZ not a boundary\r\n";
  std::string body =
      multipart("XyZ", {{"title", "", "Invoice"}, {"file", "scan.pdf", content}, {"kind", "", "receipt"}});
  auto r = upload_raw(body, {{"Content-Type", "multipart/form-data; boundary=XyZ"}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["filename"], "scan.pdf");
  EXPECT_EQ(r.json()["sha256"], sha256_hex(content));
  EXPECT_EQ(get(port(), r.json()["url"]).body, content);
  auto [rc, meta] = db_->sql("SELECT metadata FROM uploads WHERE id = '" + r.json()["id"].get<std::string>() + "'");
  auto m = json::parse(meta);
  EXPECT_EQ(m["title"], "Invoice");
  EXPECT_EQ(m["kind"], "receipt");
}

TEST_F(Files, MultipartErrors) {
  auto ct = std::pair<std::string, std::string>{"Content-Type", "multipart/form-data; boundary=BB"};
  EXPECT_EQ(upload_raw("x", {{"Content-Type", "multipart/form-data"}}).status, 400);
  auto unclosed = upload_raw("--BB\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nabc", {ct});
  EXPECT_EQ(unclosed.status, 400);
  EXPECT_TRUE(unclosed.json()["detail"].is_string());
  auto nofile = upload_raw(multipart("BB", {{"title", "", "x"}}), {ct});
  EXPECT_EQ(nofile.status, 422);
  EXPECT_EQ(nofile.json()["detail"][0]["loc"], json::array({"body", "file"}));
  auto bigfield = upload_raw(multipart("BB", {{"title", "", std::string(70 * 1024, 'x')}, {"file", "a", "1"}}), {ct});
  EXPECT_EQ(bigfield.status, 413);
  std::vector<std::tuple<std::string, std::string, std::string>> many;
  for (int i = 0; i < 101; ++i) many.emplace_back("f" + std::to_string(i), "", "v");
  EXPECT_EQ(upload_raw(multipart("BB", many), {ct}).status, 400);
  std::string huge_headers =
      "--BB\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\nX-Pad: " + std::string(9000, 'p') +
      "\r\n\r\nabc\r\n--BB--\r\n";
  EXPECT_EQ(upload_raw(huge_headers, {ct}).status, 400);
  EXPECT_EQ(count_files(keel_->data_dir() + "/tmp"), 0u);
}

TEST_F(Files, AuthIsDecidedBeforeTheBody) {
  // Only the header is sent: the answer must come without the body.
  for (auto [auth, status] : std::vector<std::pair<std::string, int>>{
           {"", 401}, {"Authorization: Bearer not-a-token\r\n", 403}, {"X-API-Key: wrong\r\n", 403}}) {
    Conn c(port(), 5);
    c.send("POST /api/uploads HTTP/1.1\r\nHost: x\r\n" + auth + "Content-Length: 1000000\r\n\r\n");
    auto r = c.read_response();
    ASSERT_TRUE(r) << auth;
    EXPECT_EQ(r->status, status) << auth;
  }
}

TEST_F(Files, BookingTokenHolderUploadsAttachToTheBooking) {
  const std::string service = "up-" + random_hex(3);
  open_service(*db_, service);
  auto b = request(port(), {"POST",
                            "/api/bookings",
                            {{"Content-Type", "application/json"}},
                            json{{"name", "Ann"},
                                 {"email", "a@example.com"},
                                 {"service", service},
                                 {"starts_at", "2033-01-01T10:00:00Z"},
                                 {"duration_minutes", 30}}
                                .dump()});
  ASSERT_EQ(b->status, 201);
  std::string token = b->json()["manage_token"];
  auto r = upload_raw("doc", {{"Authorization", "Bearer " + token}});
  ASSERT_EQ(r.status, 201) << r.body;
  auto [rc, bid] = db_->sql("SELECT booking_id FROM uploads WHERE id = '" + r.json()["id"].get<std::string>() + "'");
  EXPECT_EQ(bid, std::to_string(b->json()["id"].get<long long>()) + "\n");
}

TEST_F(Files, OverTheCapIs413AndLeavesNothing) {
  auto [rc0, before] = db_->sql("SELECT COUNT(*) FROM uploads");
  // Declared length over the cap: refused before reading.
  Conn c(port(), 5);
  c.send("POST /api/uploads HTTP/1.1\r\nHost: x\r\nX-API-Key: " + std::string(kKey) +
         "\r\nContent-Length: " + std::to_string(9ull << 20) + "\r\n\r\n");
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  // Expect: 100-continue over the cap: 413 and no 100.
  Conn e(port(), 5);
  e.send("POST /api/uploads HTTP/1.1\r\nHost: x\r\nX-API-Key: " + std::string(kKey) +
         "\r\nExpect: 100-continue\r\nContent-Length: " + std::to_string(9ull << 20) + "\r\n\r\n");
  auto er = e.read_response();
  ASSERT_TRUE(er);
  EXPECT_EQ(er->status, 413);
  // Chunked, no length: cut off while streaming.
  Conn k(port(), 10);
  k.send("POST /api/uploads HTTP/1.1\r\nHost: x\r\nX-API-Key: " + std::string(kKey) +
         "\r\nTransfer-Encoding: chunked\r\n\r\n");
  std::string piece(1 << 20, 'z');
  char size[16];
  std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
  for (int i = 0; i < 10; ++i)
    if (!k.send(size + piece + "\r\n")) break;
  auto kr = k.read_response();
  ASSERT_TRUE(kr);
  EXPECT_EQ(kr->status, 413);
  // Multipart over the cap.
  auto m = upload_raw(multipart("BB", {{"file", "big", std::string((8 << 20) + 10, 'm')}}),
                      {{"Content-Type", "multipart/form-data; boundary=BB"}});
  EXPECT_EQ(m.status, 413);
  std::this_thread::sleep_for(milliseconds(200));
  EXPECT_EQ(count_files(keel_->data_dir() + "/tmp"), 0u);
  auto [rc1, after] = db_->sql("SELECT COUNT(*) FROM uploads");
  EXPECT_EQ(before, after);
}

TEST_F(Files, ExpectContinueUnderTheCapStreams) {
  Conn c(port(), 5);
  std::string data = pattern(100000);
  c.send("POST /api/uploads HTTP/1.1\r\nHost: x\r\nX-API-Key: " + std::string(kKey) +
         "\r\nExpect: 100-continue\r\nContent-Length: " + std::to_string(data.size()) + "\r\n\r\n");
  char buf[32] = {};
  ASSERT_GT(::recv(c.fd(), buf, 25, 0), 0);
  EXPECT_EQ(std::string(buf, 25), "HTTP/1.1 100 Continue\r\n\r\n");
  c.send(data);
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->json()["sha256"], sha256_hex(data));
}

TEST_F(Files, DisconnectMidUploadLeavesNoFileAndNoRow) {
  auto [rc0, before] = db_->sql("SELECT COUNT(*) FROM uploads");
  {
    Conn c(port(), 5);
    c.send("POST /api/uploads HTTP/1.1\r\nHost: x\r\nX-API-Key: " + std::string(kKey) +
           "\r\nContent-Length: 5000000\r\n\r\n" + pattern(1500000));
    std::this_thread::sleep_for(milliseconds(300));
    EXPECT_EQ(count_files(keel_->data_dir() + "/tmp"), 1u);  // the partial file exists while streaming
  }                                                          // closed mid-body
  bool gone = false;
  for (int i = 0; i < 50 && !gone; ++i) {
    std::this_thread::sleep_for(milliseconds(100));
    gone = count_files(keel_->data_dir() + "/tmp") == 0;
  }
  EXPECT_TRUE(gone);
  auto [rc1, after] = db_->sql("SELECT COUNT(*) FROM uploads");
  EXPECT_EQ(before, after);
  EXPECT_EQ(get(port(), "/api/health").status, 200);
}

TEST_F(Files, AudioAcceptedAndRefused) {
  std::string wav = std::string("RIFF\x24\x08\x00\x00WAVEfmt ", 16) + pattern(2000);
  auto ok = upload_raw(wav, {{"X-Filename", "a.wav"}}, "/api/uploads/audio");
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(ok.json()["content_type"], "audio/wav");
  std::string mp3 = std::string("ID3\x04\x00\x00\x00\x00\x00\x21", 10) + pattern(5000);
  auto m = upload_raw(mp3, {{"Content-Type", "audio/mpeg"}}, "/api/uploads/audio");
  EXPECT_EQ(m.status, 201);
  EXPECT_EQ(m.json()["content_type"], "audio/mpeg");
  auto [rc0, before] = db_->sql("SELECT COUNT(*) FROM uploads");
  auto text = upload_raw("just some text, not audio at all", {}, "/api/uploads/audio");
  EXPECT_EQ(text.status, 415);
  EXPECT_EQ(upload_raw("", {}, "/api/uploads/audio").status, 415);
  auto mp = upload_raw(multipart("BB", {{"file", "x.png", "\x89PNG\r\n\x1a\n" + pattern(100)}}),
                       {{"Content-Type", "multipart/form-data; boundary=BB"}}, "/api/uploads/audio");
  EXPECT_EQ(mp.status, 415);
  auto [rc1, after] = db_->sql("SELECT COUNT(*) FROM uploads");
  EXPECT_EQ(before, after);
  EXPECT_EQ(count_files(keel_->data_dir() + "/tmp"), 0u);
}

// --- ranges and conditionals, the same table against both routes ------------

struct RangeCase {
  const char* range;
  int status;
  const char* content_range;   // "" = absent
  std::size_t offset, length;  // of the expected body (single part)
};

static const RangeCase kRangeCases[] = {
    {"bytes=0-4", 206, "bytes 0-4/1000", 0, 5},
    {"bytes=2-", 206, "bytes 2-999/1000", 2, 998},
    {"bytes=-5", 206, "bytes 995-999/1000", 995, 5},
    {"bytes=990-2000", 206, "bytes 990-999/1000", 990, 10},
    {"bytes=0-0", 206, "bytes 0-0/1000", 0, 1},
    {"bytes=-2000", 206, "bytes 0-999/1000", 0, 1000},
    {"bytes=0-4,3-9", 206, "bytes 0-9/1000", 0, 10},  // overlapping: coalesced into one
    {"bytes=1000-", 416, "bytes */1000", 0, 0},
    {"bytes=-0", 416, "bytes */1000", 0, 0},
    {"bytes=5-1", 200, "", 0, 1000},  // does not parse: ignored
    {"bytes=abc", 200, "", 0, 1000},
    {"items=0-5", 200, "", 0, 1000},
    {"bytes=0-,1-,2-,3-,4-", 200, "", 0, 1000},  // asks for more than the file: full
    {"bytes=0-1,2-3,4-5,6-7,8-9,10-11,12-13,14-15,16-17,18-19,20-21,22-23,24-25,26-27,28-29,30-31,32-33", 200, "", 0,
     1000},
};

class RangeBoth : public Files, public ::testing::WithParamInterface<bool> {
 protected:
  std::string path() const { return GetParam() ? "/static/hello.txt" : upload_path(); }
};

TEST_P(RangeBoth, SingleRangesTable) {
  std::string full = pattern(1000);
  for (const auto& c : kRangeCases) {
    auto r = get(port(), path(), {{"Range", c.range}});
    EXPECT_EQ(r.status, c.status) << c.range;
    EXPECT_EQ(r.header("Content-Range").value_or(""), c.content_range) << c.range;
    if (c.status == 206 || c.status == 200) { EXPECT_EQ(r.body, full.substr(c.offset, c.length)) << c.range; }
    if (c.status == 416) { EXPECT_TRUE(r.json()["detail"].is_string()); }
  }
}

TEST_P(RangeBoth, MultipleRangesAreMultipartWithExactLength) {
  auto r = get(port(), path(), {{"Range", "bytes=0-1,10-12,-3"}});
  ASSERT_EQ(r.status, 206);
  std::string ct = r.header("Content-Type").value_or("");
  ASSERT_EQ(ct.rfind("multipart/byteranges; boundary=", 0), 0u) << ct;
  std::string boundary = ct.substr(ct.find('=') + 1);
  EXPECT_EQ(std::stoul(r.header("Content-Length").value_or("0")), r.body.size());
  std::string full = pattern(1000);
  EXPECT_NE(r.body.find("Content-Range: bytes 0-1/1000\r\n\r\n" + full.substr(0, 2)), std::string::npos);
  EXPECT_NE(r.body.find("Content-Range: bytes 10-12/1000\r\n\r\n" + full.substr(10, 3)), std::string::npos);
  EXPECT_NE(r.body.find("Content-Range: bytes 997-999/1000\r\n\r\n" + full.substr(997, 3)), std::string::npos);
  EXPECT_NE(r.body.find("--" + boundary + "--"), std::string::npos);
}

TEST_P(RangeBoth, ConditionalRequests) {
  auto first = get(port(), path());
  ASSERT_EQ(first.status, 200);
  std::string etag = first.header("ETag").value_or("");
  std::string lm = first.header("Last-Modified").value_or("");
  ASSERT_FALSE(etag.empty());
  ASSERT_FALSE(lm.empty());
  auto inm = get(port(), path(), {{"If-None-Match", etag}});
  EXPECT_EQ(inm.status, 304);
  EXPECT_TRUE(inm.body.empty());
  EXPECT_FALSE(inm.header("Content-Length"));
  EXPECT_EQ(inm.header("ETag").value_or(""), etag);
  EXPECT_EQ(get(port(), path(), {{"If-None-Match", "W/" + etag}}).status, 304);  // weak comparison
  EXPECT_EQ(get(port(), path(), {{"If-None-Match", "\"other\", " + etag}}).status, 304);
  EXPECT_EQ(get(port(), path(), {{"If-None-Match", "\"other\""}}).status, 200);
  EXPECT_EQ(get(port(), path(), {{"If-Match", "\"other\""}}).status, 412);
  EXPECT_EQ(get(port(), path(), {{"If-Match", etag}}).status, 200);
  EXPECT_EQ(get(port(), path(), {{"If-Modified-Since", lm}}).status, 304);
  EXPECT_EQ(get(port(), path(), {{"If-Modified-Since", "Mon, 01 Jan 2001 00:00:00 GMT"}}).status, 200);
  EXPECT_EQ(get(port(), path(), {{"If-Unmodified-Since", "Mon, 01 Jan 2001 00:00:00 GMT"}}).status, 412);
  // If-None-Match wins over If-Modified-Since.
  EXPECT_EQ(get(port(), path(), {{"If-None-Match", "\"other\""}, {"If-Modified-Since", lm}}).status, 200);
  // If-Range: matching ETag -> 206, other -> full 200, weak -> full 200.
  EXPECT_EQ(get(port(), path(), {{"Range", "bytes=0-1"}, {"If-Range", etag}}).status, 206);
  EXPECT_EQ(get(port(), path(), {{"Range", "bytes=0-1"}, {"If-Range", "\"other\""}}).status, 200);
  EXPECT_EQ(get(port(), path(), {{"Range", "bytes=0-1"}, {"If-Range", "W/" + etag}}).status, 200);
  EXPECT_EQ(get(port(), path(), {{"Range", "bytes=0-1"}, {"If-Range", lm}}).status, 206);
}

TEST_P(RangeBoth, HeadAnswersAsGetWithoutBody) {
  for (const char* range : {"", "bytes=0-9", "bytes=5000-"}) {
    std::vector<std::pair<std::string, std::string>> h;
    if (*range) h.emplace_back("Range", range);
    auto g = get(port(), path(), h);
    Conn c(port());
    std::string req = "HEAD " + path() + " HTTP/1.1\r\nHost: x\r\n";
    if (*range) req += std::string("Range: ") + range + "\r\n";
    c.send(req + "\r\n");
    auto hd = c.read_response(true);
    ASSERT_TRUE(hd);
    EXPECT_EQ(hd->status, g.status) << range;
    for (const char* name :
         {"Content-Length", "Content-Type", "ETag", "Last-Modified", "Accept-Ranges", "Content-Range"})
      EXPECT_EQ(hd->header(name), g.header(name)) << name << " " << range;
    // Nothing follows the header: the next request on the connection works.
    c.send("GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n");
    auto next = c.read_response();
    ASSERT_TRUE(next);
    EXPECT_EQ(next->status, 200);
  }
}

INSTANTIATE_TEST_SUITE_P(StaticAndUploads, RangeBoth, ::testing::Values(true, false),
                         [](const auto& info) { return info.param ? "static" : "upload"; });

TEST_F(Files, StaticServesWithTypesAndRefusesTraversal) {
  auto css = get(port(), "/static/css/site.css");
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.body, "body{color:red}");
  EXPECT_EQ(css.header("Content-Type").value_or(""), "text/css; charset=utf-8");
  EXPECT_EQ(get(port(), "/static/alias.txt").status, 200);  // a link inside the root is fine
  for (const char* bad : {"/static/../outside.txt", "/static/%2e%2e/outside.txt", "/static/css/..%2f..%2foutside.txt",
                          "/static/css%2fsite.css", "/static/hello.txt%00.png", "/static/escape.txt", "/static/.secret",
                          "/static/css/", "/static/", "/static/nope.txt", "/static/./hello.txt",
                          "/static/%2e/hello.txt", "/static//hello.txt", "/static/css/%5c..%5chello.txt"}) {
    auto r = get(port(), bad);
    EXPECT_EQ(r.status, 404) << bad;
    EXPECT_NE(r.body.find("detail"), std::string::npos) << bad;
  }
}

TEST_F(Files, DeleteRemovesFileAndRowWhileInFlightDownloadFinishes) {
  std::string data = pattern(6 * 1024 * 1024);
  auto up = upload_raw(data);
  ASSERT_EQ(up.status, 201);
  std::string url = up.json()["url"], id = up.json()["id"];
  // Start a download and read only a little of it.
  Conn slow(port(), 10);
  // A 64 KiB window: the server's socket buffer (4 MiB at most) fills and
  // the rest of the file is still unsent when the delete comes.
  int small = 64 * 1024;
  ::setsockopt(slow.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  slow.send("GET " + url + " HTTP/1.1\r\nHost: x\r\n\r\n");
  char buf[1024];
  ssize_t first = ::recv(slow.fd(), buf, sizeof buf, 0);
  ASSERT_GT(first, 0);
  auto head_end = std::string_view(buf, static_cast<std::size_t>(first)).find("\r\n\r\n");
  ASSERT_NE(head_end, std::string_view::npos);
  std::size_t body = static_cast<std::size_t>(first) - (head_end + 4);
  EXPECT_EQ(request(port(), {"DELETE", url, {}, ""})->status, 401);
  auto del = request(port(), {"DELETE", url, {admin()}, ""});
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 204);
  EXPECT_EQ(get(port(), url).status, 404);
  EXPECT_EQ(request(port(), {"DELETE", url, {admin()}, ""})->status, 404);
  auto [rc, n] = db_->sql("SELECT COUNT(*) FROM uploads WHERE id = '" + id + "'");
  EXPECT_EQ(n, "0\n");
  // The in-flight download still delivers every byte.
  std::vector<char> big(64 * 1024);
  while (body < data.size()) {
    ssize_t k = ::recv(slow.fd(), big.data(), big.size(), 0);
    if (k <= 0) break;
    body += static_cast<std::size_t>(k);
  }
  EXPECT_EQ(body, data.size());
}

TEST_F(Files, UnknownOrMalformedUploadIdIs404) {
  EXPECT_EQ(get(port(), "/api/uploads/AAAAAAAAAAAAAAAAAAAAAA").status, 404);
  EXPECT_EQ(get(port(), "/api/uploads/short").status, 404);
  EXPECT_EQ(get(port(), "/api/uploads/'%20OR%201=1%20--%20xxxxxxxxxxxxx").status, 404);
}

TEST(FilesResume, CurlResumesAnInterrupted200MiBDownload) {
  TestDatabase db;
  Keel k(Env{{"KEEL_DB_URL", db.url},
             {"KEEL_AUTO_MIGRATE", "1"},
             {"KEEL_ADMIN_API_KEY", kKey},
             {"KEEL_MAX_UPLOAD_MB", "256"}});
  TempDir t;
  std::string src = t.path + "/src.bin", out = t.path + "/out.bin";
  ASSERT_EQ(sh("head -c 209715200 /dev/urandom > " + src).first, 0);
  std::string base = "http://127.0.0.1:" + std::to_string(k.port());
  auto [urc, uout] = sh("curl -sS -X POST -H 'X-API-Key: " + std::string(kKey) +
                        "' -H 'Content-Type: application/octet-stream' -T " + src + " " + base + "/api/uploads");
  ASSERT_EQ(urc, 0) << uout;
  auto j = json::parse(uout);
  std::string want = sh("sha256sum " + src + " | cut -d' ' -f1").second;
  want.pop_back();
  EXPECT_EQ(j["sha256"], want);
  // An interrupted download: only the first 70 MiB arrive.
  ASSERT_EQ(sh("curl -sS -r 0-73400319 -o " + out + " " + base + j["url"].get<std::string>()).first, 0);
  EXPECT_EQ(fs::file_size(out), 73400320u);
  // curl -C - asks for the rest with a Range and appends it.
  auto [rrc, rout] = sh("curl -sS -C - -o " + out + " -w '%{http_code}' " + base + j["url"].get<std::string>());
  EXPECT_EQ(rrc, 0);
  EXPECT_EQ(rout, "206");
  std::string got = sh("sha256sum " + out + " | cut -d' ' -f1").second;
  got.pop_back();
  EXPECT_EQ(got, want);
}

TEST(FilesLimits, UploadsPastTheBoundGet429) {
  TestDatabase db;
  Keel k(Env{
      {"KEEL_DB_URL", db.url}, {"KEEL_AUTO_MIGRATE", "1"}, {"KEEL_ADMIN_API_KEY", kKey}, {"KEEL_MAX_UPLOADS", "1"}});
  Conn first(k.port(), 5);
  first.send("POST /api/uploads HTTP/1.1\r\nHost: x\r\nX-API-Key: " + std::string(kKey) +
             "\r\nContent-Length: 1000\r\n\r\nabc");
  std::this_thread::sleep_for(milliseconds(300));
  auto second = request(k.port(), {"POST", "/api/uploads", {{"X-API-Key", kKey}}, "x"});
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 429);
  EXPECT_EQ(second->header("Retry-After").value_or(""), "5");
  auto mem = get(k.port(), "/api/health/memory").json();
  EXPECT_EQ(mem["limits"]["uploads"]["max"], 1);
  EXPECT_EQ(mem["limits"]["uploads"]["in_use"], 1);
  first.send(std::string(997, 'x'));
  auto fr = first.read_response();
  ASSERT_TRUE(fr);
  EXPECT_EQ(fr->status, 201);
  EXPECT_EQ(request(k.port(), {"POST", "/api/uploads", {{"X-API-Key", kKey}}, "x"})->status, 201);
}

TEST(FilesStartup, StaleTempFilesAreSweptAtStart) {
  TempDir d;
  fs::create_directories(d.path + "/tmp");
  std::ofstream(d.path + "/tmp/upload-old") << "old";
  std::ofstream(d.path + "/tmp/upload-new") << "new";
  utimbuf old{std::time(nullptr) - 120, std::time(nullptr) - 120};
  ::utime((d.path + "/tmp/upload-old").c_str(), &old);
  TestDatabase db;
  Keel k(Env{{"KEEL_DB_URL", db.url}, {"KEEL_AUTO_MIGRATE", "1"}, {"KEEL_DATA_DIR", d.path}});
  EXPECT_FALSE(fs::exists(d.path + "/tmp/upload-old"));
  EXPECT_TRUE(fs::exists(d.path + "/tmp/upload-new"));
}
