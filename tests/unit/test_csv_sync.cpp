// One sync (services/datafeed/sync): the report, gzip bodies, the limits
// (413, 422, 507, 400), and that a failed sync leaves the old generation and
// no temp folder. Plain CSV only: the converter has tests of its own.
#include "services/crypto/sha256.hpp"
#include "support/gzip.hpp"
#include "services/datafeed/sync.hpp"

#include <gtest/gtest.h>

#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <set>

namespace fs = std::filesystem;
using namespace keel;
using namespace keel::datafeed;

namespace {

using test_support::gzip;

class CsvSyncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/keel_csv_sync.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    store_ = std::make_unique<DatasetStore>(dir_);
    store_->prepare();
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  SyncOptions options() const {
    SyncOptions o;
    o.source = "test";
    return o;
  }

  // Syncs `csv` fed in pieces of `piece` bytes.
  nlohmann::json sync(const std::string& name, const std::string& csv, SyncOptions o, std::size_t piece = 7) {
    CsvSync s(*store_, name, std::move(o));
    for (std::size_t i = 0; i < csv.size(); i += piece) s.feed(std::string_view(csv).substr(i, piece));
    return s.finish();
  }

  // The status of the SyncError that syncing `csv` throws (0: none).
  int failure(const std::string& name, const std::string& csv, SyncOptions o, nlohmann::json* body = nullptr) {
    try {
      sync(name, csv, std::move(o));
    } catch (const SyncError& e) {
      if (body) *body = e.body;
      return e.status;
    }
    return 0;
  }

  // Nothing but generations, current and the lock in the dataset's folder.
  bool no_temp(const std::string& name) {
    if (!fs::exists(store_->root() + "/" + name)) return true;
    for (const auto& e : fs::directory_iterator(store_->root() + "/" + name))
      if (e.path().filename().string().rfind("tmp-", 0) == 0) return false;
    return true;
  }

  std::string records(const std::string& name) {
    auto g = store_->current(name);
    auto r = store_->locate(*g, 0, g->records);
    std::string s(r.end - r.begin, '\0');
    EXPECT_EQ(::pread(g->records_file->fd(), s.data(), s.size(), static_cast<off_t>(r.begin)),
              static_cast<ssize_t>(s.size()));
    return s;
  }

  std::string dir_;
  std::unique_ptr<DatasetStore> store_;
};

const std::string kCsv = "sku,name\n1,apple\n2,pear\n3\n4,plum\n";

TEST_F(CsvSyncTest, ReportHasExactlyTheContractFields) {
  CsvSync s(*store_, "fruit", options());
  s.feed(kCsv);
  auto r = s.finish();
  EXPECT_TRUE(s.created());
  std::set<std::string> keys;
  for (auto& [k, v] : r.items()) keys.insert(k);
  EXPECT_EQ(keys, (std::set<std::string>{"dataset", "generation", "records", "columns", "source", "source_bytes",
                                         "source_sha256", "synced_at", "seconds", "bad_rows", "first_errors"}));
  EXPECT_EQ(r["dataset"], "fruit");
  EXPECT_TRUE(valid_generation_id(r["generation"].get<std::string>()));
  EXPECT_EQ(r["records"], 3);
  EXPECT_EQ(r["columns"], (nlohmann::json{"sku", "name"}));
  EXPECT_EQ(r["source"], "test");
  EXPECT_EQ(r["source_bytes"], kCsv.size());
  EXPECT_EQ(r["source_sha256"], sha256_hex(kCsv));
  const std::string at = r["synced_at"];
  EXPECT_EQ(at.size(), std::string("2026-12-03T14:29:03.123Z").size()) << at;
  EXPECT_EQ(at[19], '.');
  EXPECT_EQ(at.back(), 'Z');
  EXPECT_TRUE(r["seconds"].is_number_float());
  EXPECT_EQ(r["bad_rows"], 1);
  ASSERT_EQ(r["first_errors"].size(), 1u);
  EXPECT_EQ(r["first_errors"][0]["line"], 4);
  EXPECT_EQ(r["first_errors"][0]["reason"], "field_count");
  EXPECT_TRUE(r["first_errors"][0]["detail"].is_string());

  // meta.json is the report; the generation is current.
  auto g = store_->current("fruit");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->meta, r);
  EXPECT_EQ(g->records, 3u);
  EXPECT_EQ(records("fruit"),
            "{\"sku\":\"1\",\"name\":\"apple\"}\n"
            "{\"sku\":\"2\",\"name\":\"pear\"}\n"
            "{\"sku\":\"4\",\"name\":\"plum\"}\n");
  EXPECT_EQ(s.report()["generation"], r["generation"]);

  // A second sync replaces it: 200, not 201.
  CsvSync again(*store_, "fruit", options());
  again.feed("sku\n9\n");
  auto r2 = again.finish();
  EXPECT_FALSE(again.created());
  EXPECT_EQ(store_->current("fruit")->id, r2["generation"]);
}

TEST_F(CsvSyncTest, HeaderOnlyIsASuccess) {
  auto r = sync("d", "a,b\n", options());
  EXPECT_EQ(r["records"], 0);
  EXPECT_EQ(store_->current("d")->records, 0u);
}

TEST_F(CsvSyncTest, GzipBodyInOddPieces) {
  std::string csv = "id,text\n";
  for (int i = 0; i < 20000; ++i) csv += std::to_string(i) + ",row number " + std::to_string(i) + "\n";
  const std::string body = gzip(csv);
  for (std::size_t piece : {1u, 13u, 4096u, 1u << 20}) {
    auto o = options();
    o.gzip = true;
    auto r = sync("g", body, o, piece);
    EXPECT_EQ(r["records"], 20000) << piece;
    EXPECT_EQ(r["source_bytes"], body.size());  // as received, before inflating
    EXPECT_EQ(r["source_sha256"], sha256_hex(body));
  }
  auto g = store_->current("g");
  auto range = store_->locate(*g, 19999, 1);
  std::string last(range.end - range.begin, '\0');
  ASSERT_EQ(::pread(g->records_file->fd(), last.data(), last.size(), static_cast<off_t>(range.begin)),
            static_cast<ssize_t>(last.size()));
  EXPECT_EQ(last, "{\"id\":\"19999\",\"text\":\"row number 19999\"}\n");
  // Two members are one stream, as gunzip reads them.
  auto o = options();
  o.gzip = true;
  EXPECT_EQ(sync("g", gzip("a\n1\n") + gzip("2\n"), o)["records"], 2);
}

TEST_F(CsvSyncTest, BrokenGzipIs400) {
  auto o = options();
  o.gzip = true;
  nlohmann::json body;
  EXPECT_EQ(failure("g", "sku,name\n1,apple\n", o, &body), 400);
  EXPECT_EQ(body, (nlohmann::json{{"detail", "invalid gzip body"}}));
  const std::string whole = gzip(kCsv);
  EXPECT_EQ(failure("g", whole.substr(0, whole.size() - 5), o), 400);  // truncated
  EXPECT_EQ(failure("g", "", o), 400);
  EXPECT_EQ(failure("g", whole + "garbage", o), 400);
  EXPECT_TRUE(no_temp("g"));
  EXPECT_EQ(store_->current("g"), nullptr);
}

TEST_F(CsvSyncTest, OverMaxSourceBytesIs413) {
  auto o = options();
  o.max_source_bytes = 2 << 20;
  std::string big = "a\n" + std::string((2 << 20), 'x') + "\n";
  nlohmann::json body;
  EXPECT_EQ(failure("d", big, o, &body), 413);
  EXPECT_EQ(body["detail"], "CSV too large: the limit is 2 MiB");
  EXPECT_TRUE(no_temp("d"));
  // Known from the start (Content-Length, a file's size): before any byte.
  o.expected_bytes = (2 << 20) + 1;
  try {
    CsvSync s(*store_, "d", o);
    ADD_FAILURE() << "no 413";
  } catch (const SyncError& e) {
    EXPECT_EQ(e.status, 413);
  }
}

TEST_F(CsvSyncTest, TooManyBadRowsIs422AndKeepsTheOldGeneration) {
  const auto old = sync("d", kCsv, options())["generation"];
  auto o = options();
  o.max_bad_rows = 2;
  CsvSync s(*store_, "d", o);
  nlohmann::json body;
  int status = 0;
  std::size_t fed = 0;
  try {
    for (const char* line : {"a,b\n", "1\n", "2\n", "4,4\n", "3\n", "5,5\n", "6\n"}) {
      s.feed(line);
      ++fed;
    }
    s.finish();
  } catch (const SyncError& e) {
    status = e.status;
    body = e.body;
  }
  EXPECT_EQ(status, 422);
  // The converter runs on its own thread: the failure shows at a later
  // feed() or at finish(), but the count stopped at the third bad row.
  EXPECT_LE(fed, 7u);
  EXPECT_EQ(body["detail"], "too many bad rows");
  EXPECT_EQ(body["report"]["generation"], nullptr);
  EXPECT_EQ(body["report"]["bad_rows"], 3);
  EXPECT_EQ(body["report"]["first_errors"].size(), 3u);
  EXPECT_TRUE(body["report"]["source_sha256"].is_string());
  EXPECT_EQ(s.report()["generation"], nullptr);
  EXPECT_EQ(store_->current("d")->id, old);
  EXPECT_TRUE(no_temp("d"));
  // It stopped at once: the lock is free for the next sync.
  EXPECT_NE(store_->try_lock("d"), nullptr);
}

TEST_F(CsvSyncTest, EmptyIs422) {
  nlohmann::json body;
  EXPECT_EQ(failure("d", "", options(), &body), 422);
  EXPECT_EQ(body, (nlohmann::json{{"detail", "empty CSV: no header row"}}));
  EXPECT_EQ(failure("d", "\n\n\r\n", options()), 422);
  EXPECT_EQ(store_->current("d"), nullptr);
  EXPECT_TRUE(no_temp("d"));
}

TEST_F(CsvSyncTest, DiskGuardIs507) {
  auto o = options();
  o.min_free_disk_bytes = ~0ull >> 2;
  o.expected_bytes = 100;
  nlohmann::json body;
  EXPECT_EQ(failure("d", kCsv, o, &body), 507);
  EXPECT_EQ(body["detail"], "not enough disk space");
  // Without a size known in advance: checked as the output grows (at the
  // first output, then every 64 MiB).
  o.expected_bytes.reset();
  EXPECT_EQ(failure("d", kCsv, o), 507);
  EXPECT_TRUE(no_temp("d"));
  EXPECT_EQ(store_->current("d"), nullptr);
}

TEST_F(CsvSyncTest, SecondSyncOfADatasetIs409) {
  CsvSync running(*store_, "d", options());
  try {
    CsvSync second(*store_, "d", options());
    ADD_FAILURE() << "no 409";
  } catch (const SyncError& e) {
    EXPECT_EQ(e.status, 409);
    EXPECT_EQ(e.body, (nlohmann::json{{"detail", "sync in progress"}}));
  }
  CsvSync other(*store_, "e", options());  // another dataset
}

TEST_F(CsvSyncTest, DestroyedWithoutFinishLeavesNoTempFolder) {
  const auto old = sync("d", kCsv, options())["generation"];
  {
    CsvSync s(*store_, "d", options());
    s.feed("a,b\n1,2\n");
    EXPECT_FALSE(no_temp("d"));
  }
  EXPECT_TRUE(no_temp("d"));
  EXPECT_EQ(store_->current("d")->id, old);
}

TEST(UnstartedReport, HasTheReportShape) {
  auto r = unstarted_report("d", "stdin");
  EXPECT_EQ(r["generation"], nullptr);
  EXPECT_EQ(r["source"], "stdin");
  EXPECT_EQ(r.size(), 11u);
}

}  // namespace
