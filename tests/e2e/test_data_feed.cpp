// The data feed end to end: CSV synced by PUT (Content-Length, chunked,
// gzip) and by the CLI, read page by page through /fetch-data and
// /api/datasets, pinned generations, syncs racing readers, broken clients
// and broken files, gzip and Range on the way out.
#include "e2e/support.hpp"
#include "support/gzip.hpp"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

using namespace e2e;
using nlohmann::json;
using namespace std::chrono;
namespace fs = std::filesystem;

namespace {

const char* kAdmin = "feed-admin-key";
const char* kData = "feed-data-key-0123456789";

using Headers = std::vector<std::pair<std::string, std::string>>;

// A partner catalogue: quoted commas, doubled quotes, embedded newlines,
// non-ASCII text, CRLF line ends. `tag` goes into every record so a test
// can tell generations apart.
std::string catalogue_csv(int rows, const std::string& tag) {
  std::string s = "sku,name,description,price,tag\r\n";
  for (int i = 0; i < rows; ++i) {
    s += "SKU-" + std::to_string(i) + ",";
    s += (i % 7 == 0) ? "\"Café, \"\"Crème\"\" " + std::to_string(i) + "\"" : "Größe " + std::to_string(i);
    s += ",";
    s += (i % 11 == 0) ? "\"line one\nline two\"" : "plain";
    s += "," + std::to_string(i % 100) + ".99," + tag + "\r\n";
  }
  return s;
}

// The record catalogue_csv writes for row i.
json catalogue_record(int i, const std::string& tag) {
  return {{"sku", "SKU-" + std::to_string(i)},
          {"name", (i % 7 == 0) ? "Café, \"Crème\" " + std::to_string(i) : "Größe " + std::to_string(i)},
          {"description", (i % 11 == 0) ? "line one\nline two" : "plain"},
          {"price", std::to_string(i % 100) + ".99"},
          {"tag", tag}};
}

using test_support::gunzip;

using test_support::gzip;

// Temp folders a sync left in a dataset's folder.
std::size_t temp_folders(const std::string& data_dir, const std::string& name) {
  std::size_t n = 0;
  std::error_code ec;
  for (auto& e : fs::directory_iterator(data_dir + "/datasets/" + name, ec))
    if (e.path().filename().string().rfind("tmp-", 0) == 0) ++n;
  return n;
}

class DataFeed : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    keel_ = new Keel(Env{{"KEEL_ADMIN_API_KEY", kAdmin},
                         {"KEEL_DATA_API_KEYS", std::string("other-key-abcdefghijkl,") + kData},
                         {"KEEL_DATA_RATE_PER_MIN", "100000"},
                         {"KEEL_MAX_SYNCS", "4"}});
  }
  static void TearDownTestSuite() { delete keel_; }
  static unsigned port() { return keel_->port(); }

  static HttpResponse put_csv(const std::string& name, const std::string& body, const std::string& query = "",
                              Headers extra = {}) {
    Headers h = {{"X-API-Key", kAdmin}};
    bool typed = false;
    for (auto& [k, v] : extra) typed |= k == "Content-Type";
    if (!typed) h.push_back({"Content-Type", "text/csv"});
    h.insert(h.end(), extra.begin(), extra.end());
    auto r = request(port(), {"PUT", "/api/admin/datasets/" + name + query, h, body});
    if (!r) throw std::runtime_error("no response to PUT " + name);
    return *r;
  }
  static HttpResponse read(const std::string& path, Headers extra = {}) {
    extra.push_back({"X-API-Key", kData});
    return get(port(), path, extra);
  }
  // Every record of a dataset, by following next_offset.
  static std::vector<json> walk(const std::string& name, int limit) {
    std::vector<json> all;
    std::string next = "0";
    for (int guard = 0; guard < 10000; ++guard) {
      auto r = read("/fetch-data?dataset=" + name + "&limit=" + std::to_string(limit) + "&offset=" + next);
      EXPECT_EQ(r.status, 200) << r.body;
      json j = r.json();
      for (auto& rec : j["data"]) all.push_back(rec);
      if (j["next_offset"].is_null()) break;
      next = std::to_string(j["next_offset"].get<long>());
    }
    return all;
  }
  static Keel* keel_;
};
Keel* DataFeed::keel_ = nullptr;

}  // namespace

TEST_F(DataFeed, PutThenPagesEqualTheRecordsAtAnyDepth) {
  const int n = 3000;
  auto r = put_csv("shop", catalogue_csv(n, "v1"));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.header("Location"), "/api/datasets/shop");
  json rep = r.json();
  EXPECT_EQ(rep["dataset"], "shop");
  EXPECT_EQ(rep["records"], n);
  EXPECT_EQ(rep["columns"], json::parse(R"(["sku","name","description","price","tag"])"));
  EXPECT_EQ(rep["source"], "upload");
  EXPECT_EQ(rep["source_bytes"], catalogue_csv(n, "v1").size());
  EXPECT_EQ(rep["source_sha256"], sha256_hex(catalogue_csv(n, "v1")));
  EXPECT_EQ(rep["bad_rows"], 0);
  EXPECT_TRUE(rep["generation"].is_string());
  for (const char* k : {"synced_at", "seconds", "first_errors"}) EXPECT_TRUE(rep.contains(k)) << k;

  // First, middle (across an index point) and last page.
  struct Page {
    int offset, limit, returned;
    bool last;
  };
  for (Page p : {Page{0, 100, 100, false}, Page{1000, 50, 50, false}, Page{1500, 1000, 1000, false},
                 Page{2950, 100, 50, true}, Page{3000, 100, 0, true}, Page{99999, 10, 0, true}}) {
    auto page = read("/fetch-data?dataset=shop&offset=" + std::to_string(p.offset) + "&limit=" + std::to_string(p.limit));
    ASSERT_EQ(page.status, 200) << page.body;
    json j = page.json();
    EXPECT_EQ(j["count"], n);
    EXPECT_EQ(j["offset"], p.offset);
    EXPECT_EQ(j["limit"], p.limit);
    EXPECT_EQ(j["returned"], p.returned);
    EXPECT_EQ(j["generation"], rep["generation"]);
    ASSERT_EQ(j["data"].size(), static_cast<std::size_t>(p.returned));
    for (int i = 0; i < p.returned; ++i) EXPECT_EQ(j["data"][i], catalogue_record(p.offset + i, "v1")) << p.offset + i;
    if (p.last)
      EXPECT_TRUE(j["next_offset"].is_null());
    else
      EXPECT_EQ(j["next_offset"], p.offset + p.returned);
  }
  // Keys in header order, values as in the CSV.
  auto one = read("/api/datasets/shop/records?limit=1");
  EXPECT_NE(one.body.find(R"("data":[{"sku":"SKU-0","name":"Café, \"Crème\" 0","description":"line one\nline two")"),
            std::string::npos)
      << one.body;

  // next_offset walks every record exactly once.
  auto all = walk("shop", 333);
  ASSERT_EQ(all.size(), static_cast<std::size_t>(n));
  std::set<std::string> skus;
  for (auto& rec : all) skus.insert(rec["sku"].get<std::string>());
  EXPECT_EQ(skus.size(), static_cast<std::size_t>(n));
  EXPECT_EQ(all[2999], catalogue_record(2999, "v1"));

  // The default dataset is KEEL_DATA_DEFAULT_DATASET ("default"): none yet.
  EXPECT_EQ(read("/fetch-data").status, 404);
  EXPECT_EQ(read("/fetch-data").json()["detail"], "dataset not found");
}

TEST_F(DataFeed, MetadataListAndHead) {
  ASSERT_EQ(put_csv("meta", catalogue_csv(10, "m")).status, 201);
  auto m = read("/fetch-data?dataset=meta&metadata_only=yes");
  ASSERT_EQ(m.status, 200) << m.body;
  json j = m.json();
  EXPECT_EQ(j["count"], 10);
  EXPECT_EQ(j["records"], 10);
  EXPECT_FALSE(j.contains("first_errors"));
  EXPECT_FALSE(j.contains("data"));
  auto full = read("/api/datasets/meta");
  EXPECT_EQ(full.status, 200);
  EXPECT_TRUE(full.json().contains("first_errors"));
  auto list = read("/api/datasets");
  ASSERT_EQ(list.status, 200);
  bool found = false;
  const json datasets = list.json()["datasets"];
  for (auto& d : datasets) found |= d["dataset"] == "meta";
  EXPECT_TRUE(found) << list.body;
  // HEAD answers as GET, without a body.
  auto head = request(port(), {"HEAD", "/fetch-data?dataset=meta", {{"X-API-Key", kData}}, ""});
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_TRUE(head->body.empty());
  EXPECT_EQ(head->header("Content-Length"), read("/fetch-data?dataset=meta").header("Content-Length"));
}

TEST_F(DataFeed, BadParametersAre422AndUnknownIs404) {
  ASSERT_EQ(put_csv("params", catalogue_csv(5, "p")).status, 201);
  for (const char* q : {"dataset=params&limit=0", "dataset=params&limit=1001", "dataset=params&limit=x",
                        "dataset=params&offset=-1", "dataset=params&metadata_only=maybe",
                        "dataset=params&generation=nope", "dataset=Bad%20Name", "dataset="}) {
    auto r = read(std::string("/fetch-data?") + q);
    EXPECT_EQ(r.status, 422) << q << " " << r.body;
    EXPECT_TRUE(r.json()["detail"].is_array()) << q;
  }
  EXPECT_EQ(read("/api/datasets/nothing-here").status, 404);
  EXPECT_EQ(read("/api/datasets/nothing-here/records").status, 404);
  EXPECT_EQ(read("/api/datasets/nothing-here/records.jsonl").status, 404);
  // A well-formed generation that never existed: gone.
  EXPECT_EQ(read("/fetch-data?dataset=params&generation=20200101T000000000Z-000000").status, 410);
}

TEST_F(DataFeed, ChunkedGzipAndCliSyncs) {
  // Chunked body, gzip coded.
  const std::string csv = catalogue_csv(500, "gz");
  const std::string z = gzip(csv);
  Conn c(port());
  std::string req = "PUT /api/admin/datasets/coded HTTP/1.1\r\nHost: t\r\nX-API-Key: " + std::string(kAdmin) +
                    "\r\nContent-Type: text/csv; charset=utf-8\r\nContent-Encoding: gzip\r\n"
                    "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
  for (std::size_t at = 0; at < z.size(); at += 777) {
    std::string piece = z.substr(at, 777);
    char len[16];
    std::snprintf(len, sizeof len, "%zx\r\n", piece.size());
    req += len + piece + "\r\n";
  }
  req += "0\r\n\r\n";
  ASSERT_TRUE(c.send(req));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  EXPECT_EQ(r->json()["records"], 500);
  EXPECT_EQ(r->json()["source_bytes"], z.size());  // as received, before inflating
  EXPECT_EQ(walk("coded", 1000).size(), 500u);

  // The CLI writes into the running server's folder; the switch is served within 1 s.
  const std::string file = keel_->dir() + "/cli.csv";
  std::ofstream(file, std::ios::binary) << catalogue_csv(42, "cli");
  auto [code, out] = Keel::run({"sync-csv", "coded", file}, {{"KEEL_DATA_DIR", keel_->data_dir()}});
  ASSERT_EQ(code, 0) << out;
  json rep = json::parse(out.substr(out.find('{')));
  EXPECT_EQ(rep["records"], 42);
  EXPECT_EQ(rep["source"], file);
  json page;
  for (int i = 0; i < 30; ++i) {  // bounded: 1.5 s
    page = read("/fetch-data?dataset=coded&limit=1000").json();
    if (page["count"] == 42) break;
    std::this_thread::sleep_for(milliseconds(50));
  }
  EXPECT_EQ(page["count"], 42);
  EXPECT_EQ(page["generation"], rep["generation"]);
  EXPECT_EQ(page["data"][41], catalogue_record(41, "cli"));
}

TEST_F(DataFeed, PinnedGenerationSurvivesOneSyncThenIsGone) {
  ASSERT_EQ(put_csv("pin", catalogue_csv(2000, "g1")).status, 201);
  const std::string g1 = read("/fetch-data?dataset=pin&limit=1").json()["generation"];
  ASSERT_EQ(put_csv("pin", catalogue_csv(100, "g2")).status, 200);
  auto pinned = read("/fetch-data?dataset=pin&offset=1900&generation=" + g1);
  ASSERT_EQ(pinned.status, 200) << pinned.body;
  EXPECT_EQ(pinned.json()["generation"], g1);
  EXPECT_EQ(pinned.json()["count"], 2000);
  EXPECT_EQ(pinned.json()["data"][0], catalogue_record(1900, "g1"));
  EXPECT_EQ(read("/fetch-data?dataset=pin&limit=1").json()["count"], 100);
  EXPECT_EQ(read("/api/datasets/pin/records.jsonl?generation=" + g1).status, 200);
  ASSERT_EQ(put_csv("pin", catalogue_csv(3, "g3")).status, 200);
  auto gone = read("/fetch-data?dataset=pin&generation=" + g1);
  EXPECT_EQ(gone.status, 410) << gone.body;
  EXPECT_EQ(gone.json()["detail"], "generation gone");
}

TEST_F(DataFeed, ReadersDuringSyncsSeeOldOrNewNeverAMix) {
  ASSERT_EQ(put_csv("race", catalogue_csv(4000, "old")).status, 201);
  std::atomic<bool> stop{false};
  std::atomic<int> pages{0}, mixed{0}, errors{0};
  auto reader = [&] {
    while (!stop) {
      auto r = read("/fetch-data?dataset=race&offset=1000&limit=200");
      if (r.status != 200) {
        ++errors;
        continue;
      }
      json j = r.json();
      std::set<std::string> tags;
      for (auto& rec : j["data"]) tags.insert(rec["tag"].get<std::string>());
      const std::string want = j["count"] == 4000 ? "old" : "new";
      if (tags.size() != 1 || *tags.begin() != want) ++mixed;
      ++pages;
    }
  };
  std::thread a(reader), b(reader);
  for (int i = 0; i < 4; ++i) {
    const bool odd = i % 2 == 0;
    auto r = put_csv("race", catalogue_csv(odd ? 3000 : 4000, odd ? "new" : "old"));
    EXPECT_EQ(r.status, 200) << r.body;
  }
  stop = true;
  a.join();
  b.join();
  EXPECT_GT(pages.load(), 0);
  EXPECT_EQ(mixed.load(), 0);
  EXPECT_EQ(errors.load(), 0);
}

TEST_F(DataFeed, BadRowsAreReportedAndTooManyKeepTheOldGeneration) {
  std::string csv = "a,b\n1,2\n3\n\"x\xff\",4\n5,6\n";
  auto r = put_csv("bad", csv);
  ASSERT_EQ(r.status, 201) << r.body;
  json rep = r.json();
  EXPECT_EQ(rep["records"], 2);
  EXPECT_EQ(rep["bad_rows"], 2);
  ASSERT_EQ(rep["first_errors"].size(), 2u);
  EXPECT_EQ(rep["first_errors"][0]["line"], 3);
  EXPECT_EQ(rep["first_errors"][0]["reason"], "field_count");
  EXPECT_EQ(rep["first_errors"][1]["line"], 4);
  EXPECT_EQ(rep["first_errors"][1]["reason"], "invalid_utf8");
  const std::string before = rep["generation"];

  auto over = put_csv("bad", csv, "?max_bad_rows=1");
  ASSERT_EQ(over.status, 422) << over.body;
  EXPECT_EQ(over.json()["detail"], "too many bad rows");
  EXPECT_TRUE(over.json()["report"]["generation"].is_null());
  EXPECT_EQ(read("/fetch-data?dataset=bad").json()["generation"], before);
  EXPECT_EQ(temp_folders(keel_->data_dir(), "bad"), 0u);

  // Empty body, bad options, wrong type: nothing changes.
  EXPECT_EQ(put_csv("bad", "").json()["detail"], "empty CSV: no header row");
  EXPECT_EQ(put_csv("bad", csv, "?delimiter=x").status, 422);
  EXPECT_EQ(put_csv("bad", csv, "?encoding=ebcdic").status, 422);
  EXPECT_EQ(put_csv("bad", csv, "?max_bad_rows=-1").status, 422);
  EXPECT_EQ(put_csv("Bad!", csv).status, 422);
  EXPECT_EQ(put_csv("bad", csv, "", {{"Content-Type", "application/json"}}).status, 415);
  EXPECT_EQ(put_csv("bad", "not gzip at all", "", {{"Content-Encoding", "gzip"}}).status, 400);
  EXPECT_EQ(read("/fetch-data?dataset=bad").json()["generation"], before);

  // Delimiter and encoding options.
  auto semi = put_csv("semi", "name;city\nJos\xe9;K\xf6ln\n", "?delimiter=%3B&encoding=latin-1");
  ASSERT_EQ(semi.status, 201) << semi.body;
  EXPECT_EQ(read("/fetch-data?dataset=semi").json()["data"][0], json({{"name", "José"}, {"city", "Köln"}}));
}

TEST_F(DataFeed, DisconnectMidSyncKeepsTheOldGeneration) {
  ASSERT_EQ(put_csv("cut", catalogue_csv(100, "kept")).status, 201);
  const std::string before = read("/fetch-data?dataset=cut").json()["generation"];
  {
    Conn c(port());
    const std::string body = catalogue_csv(20000, "lost");
    std::string head = "PUT /api/admin/datasets/cut HTTP/1.1\r\nHost: t\r\nX-API-Key: " + std::string(kAdmin) +
                       "\r\nContent-Type: text/csv\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    ASSERT_TRUE(c.send(head + body.substr(0, body.size() / 2)));
    // While it is held open, a second sync of the same dataset is refused,
    // and so is a delete.
    std::this_thread::sleep_for(milliseconds(200));
    auto second = put_csv("cut", catalogue_csv(3, "x"));
    EXPECT_EQ(second.status, 409) << second.body;
    EXPECT_EQ(second.json()["detail"], "sync in progress");
    auto del = request(port(), {"DELETE", "/api/admin/datasets/cut", {{"X-API-Key", kAdmin}}, ""});
    EXPECT_EQ(del->status, 409);
  }  // the client goes away mid-body
  for (int i = 0; i < 100 && temp_folders(keel_->data_dir(), "cut") > 0; ++i) std::this_thread::sleep_for(milliseconds(50));
  EXPECT_EQ(temp_folders(keel_->data_dir(), "cut"), 0u);
  auto after = read("/fetch-data?dataset=cut");
  EXPECT_EQ(after.json()["generation"], before);
  EXPECT_EQ(after.json()["count"], 100);
  // The lock went with the sync.
  EXPECT_EQ(put_csv("cut", catalogue_csv(3, "x")).status, 200);
  EXPECT_TRUE(keel_->running());
}

TEST_F(DataFeed, GzipEtagAndRangeResume) {
  ASSERT_EQ(put_csv("wire", catalogue_csv(1500, "w")).status, 201);
  for (const char* q : {"limit=100", "limit=1000&offset=200"}) {
    const std::string path = std::string("/fetch-data?dataset=wire&") + q;
    auto plain = read(path);
    auto zipped = read(path, {{"Accept-Encoding", "gzip"}});
    ASSERT_EQ(zipped.status, 200);
    EXPECT_EQ(zipped.header("Content-Encoding"), "gzip");
    EXPECT_EQ(zipped.header("Vary"), "Accept-Encoding");
    EXPECT_EQ(gunzip(zipped.body), plain.body) << q;
    EXPECT_NE(zipped.header("ETag"), plain.header("ETag"));
    auto again = read(path, {{"If-None-Match", *plain.header("ETag")}});
    EXPECT_EQ(again.status, 304);
    EXPECT_TRUE(again.body.empty());
  }
  // records.jsonl: the whole generation, resumable.
  auto whole = read("/api/datasets/wire/records.jsonl");
  ASSERT_EQ(whole.status, 200);
  EXPECT_EQ(whole.header("Content-Type"), "application/x-ndjson");
  EXPECT_FALSE(whole.header("Content-Encoding"));
  std::size_t lines = std::count(whole.body.begin(), whole.body.end(), '\n');
  EXPECT_EQ(lines, 1500u);
  const std::size_t cut = whole.body.size() / 3;
  auto rest = read("/api/datasets/wire/records.jsonl",
                   {{"Range", "bytes=" + std::to_string(cut) + "-"}, {"If-Range", *whole.header("ETag")}});
  ASSERT_EQ(rest.status, 206);
  EXPECT_EQ(whole.body.substr(0, cut) + rest.body, whole.body);
  EXPECT_EQ(json::parse(whole.body.substr(0, whole.body.find('\n'))), catalogue_record(0, "w"));
}

TEST_F(DataFeed, KeysGuardEveryDataRoute) {
  ASSERT_EQ(put_csv("keys", catalogue_csv(3, "k")).status, 201);
  for (const char* path : {"/fetch-data?dataset=keys", "/api/datasets", "/api/datasets/keys",
                           "/api/datasets/keys/records", "/api/datasets/keys/records.jsonl"}) {
    auto none = get(port(), path);
    EXPECT_EQ(none.status, 401) << path;
    EXPECT_EQ(none.header("WWW-Authenticate"), "Bearer") << path;
    EXPECT_EQ(get(port(), path, {{"X-API-Key", "wrong"}}).status, 403) << path;
    EXPECT_EQ(get(port(), path, {{"Authorization", std::string("Bearer ") + kData}}).status, 200) << path;
    EXPECT_EQ(get(port(), path, {{"X-API-Key", kAdmin}}).status, 200) << path;
  }
  // A data key is not an admin key.
  auto put = request(port(), {"PUT", "/api/admin/datasets/keys", {{"X-API-Key", kData}, {"Content-Type", "text/csv"}}, "a\n1\n"});
  EXPECT_EQ(put->status, 403);
}

TEST_F(DataFeed, DeleteRemovesEveryGeneration) {
  ASSERT_EQ(put_csv("gone", catalogue_csv(3, "a")).status, 201);
  ASSERT_EQ(put_csv("gone", catalogue_csv(3, "b")).status, 200);
  auto del = request(port(), {"DELETE", "/api/admin/datasets/gone", {{"X-API-Key", kAdmin}}, ""});
  EXPECT_EQ(del->status, 204);
  EXPECT_EQ(read("/fetch-data?dataset=gone").status, 404);
  EXPECT_FALSE(fs::exists(keel_->data_dir() + "/datasets/gone/current"));
  auto again = request(port(), {"DELETE", "/api/admin/datasets/gone", {{"X-API-Key", kAdmin}}, ""});
  EXPECT_EQ(again->status, 404);
}

// The disk guard: a sync that would leave less than KEEL_MIN_FREE_DISK_MB
// free is refused (507) and leaves nothing behind.
TEST(DataFeedDisk, SyncStopsBeforeTheDiskFills) {
  Keel k(Env{{"KEEL_ADMIN_API_KEY", kAdmin}, {"KEEL_MIN_FREE_DISK_MB", "100000000"}});
  auto r = request(k.port(), {"PUT", "/api/admin/datasets/full", {{"X-API-Key", kAdmin}, {"Content-Type", "text/csv"}},
                              catalogue_csv(100, "d")});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 507) << r->body;
  EXPECT_EQ(temp_folders(k.data_dir(), "full"), 0u);
  EXPECT_TRUE(k.running());
}

// The same on a small file system that really fills: 8 MiB of tmpfs, 2 MiB
// to be kept free, a 40 MiB CSV. Needs root (mount); skipped otherwise.
TEST(DataFeedDisk, SmallFileSystemMidSync) {
  TempDir mnt;
  if (::geteuid() != 0 || sh("mount -t tmpfs -o size=8m keeltest " + mnt.path + " 2>&1").first != 0)
    GTEST_SKIP() << "needs root to mount a tmpfs";
  struct Unmount {
    std::string path;
    ~Unmount() { sh("umount -l " + path); }
  } unmount{mnt.path};
  const std::string data = mnt.path + "/data";
  fs::create_directories(data);
  {
    Keel k(Env{{"KEEL_ADMIN_API_KEY", kAdmin}, {"KEEL_DATA_DIR", data}, {"KEEL_MIN_FREE_DISK_MB", "2"},
               {"KEEL_DATA_API_KEYS", kData}});
    auto small = request(k.port(), {"PUT", "/api/admin/datasets/tiny", {{"X-API-Key", kAdmin}, {"Content-Type", "text/csv"}},
                                    catalogue_csv(100, "ok")});
    ASSERT_EQ(small->status, 201) << small->body;
    std::string big = catalogue_csv(400000, "big");  // ~20 MiB of CSV, more as JSON
    while (big.size() < (40u << 20)) big += big.substr(big.find('\n') + 1);
    auto r = request(k.port(), {"PUT", "/api/admin/datasets/tiny", {{"X-API-Key", kAdmin}, {"Content-Type", "text/csv"}}, big});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 507) << r->body;
    EXPECT_EQ(temp_folders(data, "tiny"), 0u);
    auto page = get(k.port(), "/fetch-data?dataset=tiny", {{"X-API-Key", kData}});
    EXPECT_EQ(page.status, 200);
    EXPECT_EQ(page.json()["count"], 100);
    EXPECT_TRUE(k.running());
  }
}
