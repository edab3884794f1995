// A pulled source's validators (ETag, Last-Modified) recorded in the
// generation's meta.json, where the next pull reads them back; a sync
// without them keeps the report as it was.
#include "services/datafeed/sync.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

namespace fs = std::filesystem;
using namespace keel::datafeed;

namespace {

class CsvSyncValidators : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/keel_csv_sync_validators.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    store_ = std::make_unique<DatasetStore>(dir_);
    store_->prepare();
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  std::string dir_;
  std::unique_ptr<DatasetStore> store_;
};

const std::string kCsv = "sku,name\n1,apple\n";

}  // namespace

TEST_F(CsvSyncValidators, RecordedInMetaWhenKnown) {
  const struct {
    const char* name;
    std::optional<std::string> etag;
    std::optional<std::string> last_modified;
    bool late;  // set after the sync started (from the response head), not in the options
  } cases[] = {
      {"both", "\"v1\"", "Wed, 02 Dec 2026 09:00:00 GMT", false},
      {"both late", "W/\"v2\"", "Thu, 03 Dec 2026 09:00:00 GMT", true},
      {"etag only", "\"v3\"", std::nullopt, true},
      {"none", std::nullopt, std::nullopt, false},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    SyncOptions o;
    o.source = "http://partner.example/feed.csv";
    if (!c.late) {
      o.source_etag = c.etag;
      o.source_last_modified = c.last_modified;
    }
    CsvSync s(*store_, "feed", o);
    s.feed(kCsv);
    if (c.late) s.set_source_validators(c.etag, c.last_modified);
    const auto report = s.finish();
    const auto g = store_->current("feed");
    ASSERT_NE(g, nullptr);
    EXPECT_EQ(g->id, report["generation"]);
    for (const auto* meta : {&report, &g->meta}) {
      EXPECT_EQ(meta->contains("source_etag"), c.etag.has_value());
      EXPECT_EQ(meta->contains("source_last_modified"), c.last_modified.has_value());
      if (c.etag) { EXPECT_EQ((*meta)["source_etag"], *c.etag); }
      if (c.last_modified) { EXPECT_EQ((*meta)["source_last_modified"], *c.last_modified); }
    }
  }
}
