// The dataset store (services/datafeed/store): generation ids, the atomic
// switch of `current`, the previous generation kept for pinned readers,
// locks across processes, the sweep of crashed syncs, and locate() through
// the sparse index. Generations are written directly (no CSV involved).
#include "services/datafeed/csv_to_jsonl.hpp"
#include "services/datafeed/store.hpp"

#include <gtest/gtest.h>

#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

namespace fs = std::filesystem;
using namespace keel;
using namespace keel::datafeed;

namespace {

class DatasetStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/keel_dataset_store.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    store_ = std::make_unique<DatasetStore>(dir_);
    store_->prepare();
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  // Record i is {"n":"<i>"} (a line of varying length).
  static std::string record(std::uint64_t i) { return "{\"n\":\"" + std::to_string(i) + "\"}\n"; }

  // A generation of `n` records written through `store`, committed.
  std::string write(DatasetStore& store, const std::string& name, std::uint64_t n) {
    auto lock = store.try_lock(name);
    EXPECT_NE(lock, nullptr);
    if (!lock) return {};
    GenerationWriter w(store, *lock);
    std::string out;
    std::vector<std::uint64_t> index;
    std::uint64_t offset = 0;
    for (std::uint64_t i = 0; i < n; ++i) {
      if (i % kIndexStride == 0) index.push_back(offset);
      out += record(i);
      offset += record(i).size();
      if (out.size() > 4096) {  // in several writes, as a sync does
        w.write_records(out);
        w.write_index(index);
        out.clear();
        index.clear();
      }
    }
    w.write_records(out);
    w.write_index(index);
    w.commit({{"dataset", name}, {"generation", w.id()}, {"synced_at", "2026-12-03T14:29:03.123Z"}}, n);
    return w.id();
  }
  std::string write(const std::string& name, std::uint64_t n) { return write(*store_, name, n); }

  static std::string read(const Generation& g, RecordRange r) {
    std::string s(r.end - r.begin, '\0');
    EXPECT_EQ(::pread(g.records_file->fd(), s.data(), s.size(), static_cast<off_t>(r.begin)),
              static_cast<ssize_t>(s.size()));
    return s;
  }

  std::set<std::string> entries(const std::string& name) {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator(store_->root() + "/" + name)) out.insert(e.path().filename());
    return out;
  }

  std::string dir_;
  std::unique_ptr<DatasetStore> store_;
};

TEST(DatasetNames, ShapeOfNames) {
  for (const std::string ok : {"default", "a", "0", "products_2026-12", "x-_9"})
    EXPECT_TRUE(valid_dataset_name(ok)) << ok;
  EXPECT_TRUE(valid_dataset_name(std::string(64, 'a')));
  EXPECT_FALSE(valid_dataset_name(std::string(65, 'a')));
  for (const char* bad : {"", "_a", "-a", "A", "a.b", "a/b", "..", "a b", "a\n"})
    EXPECT_FALSE(valid_dataset_name(bad)) << bad;
}

TEST(GenerationIds, ShapeAndOrder) {
  std::vector<std::string> ids;
  for (int i = 0; i < 50; ++i) ids.push_back(new_generation_id());
  for (const auto& id : ids) EXPECT_TRUE(valid_generation_id(id)) << id;
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
  EXPECT_TRUE(valid_generation_id("20261203T142903123Z-3f9a1c"));
  for (const char* bad : {"", "20261203T142903123Z-3f9a1", "20261203T142903123Z-3f9a1cc", "20261203T142903123Z-3F9A1C",
                          "20261203X142903123Z-3f9a1c", "20261203T142903123Z_3f9a1c", "2026120xT142903123Z-3f9a1c",
                          "../../../etc/passwdxxxxxxxx"})
    EXPECT_FALSE(valid_generation_id(bad)) << bad;
}

TEST_F(DatasetStoreTest, CommitMakesCurrentAndPinned) {
  EXPECT_EQ(store_->current("products"), nullptr);
  EXPECT_TRUE(store_->names().empty());
  const auto id = write("products", 3);
  auto g = store_->current("products");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->id, id);
  EXPECT_EQ(g->dataset, "products");
  EXPECT_EQ(g->records, 3u);
  EXPECT_EQ(g->jsonl_bytes, (record(0) + record(1) + record(2)).size());
  EXPECT_EQ(g->meta["generation"], id);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(g->synced_at.time_since_epoch()).count() % 1000,
            123);
  EXPECT_EQ(store_->names(), std::vector<std::string>{"products"});
  EXPECT_EQ(store_->pinned("products", id), g);
  EXPECT_EQ(store_->pinned("products", "20001203T142903123Z-3f9a1c"), nullptr);
  EXPECT_EQ(store_->pinned("products", "not-an-id"), nullptr);
  EXPECT_EQ(fs::read_symlink(store_->root() + "/products/current"), "g-" + id);
  // Fresh in the cache: served without asking the disk.
  auto fresh = store_->current_if_fresh("products");
  ASSERT_TRUE(fresh.has_value());
  EXPECT_EQ(*fresh, g);
  EXPECT_FALSE(store_->current_if_fresh("other").has_value());
}

TEST_F(DatasetStoreTest, PreviousKeptOlderRemoved) {
  const auto first = write("d", 1), second = write("d", 2);
  EXPECT_EQ(store_->pinned("d", first)->records, 1u);
  const auto third = write("d", 3);
  EXPECT_EQ(store_->current("d")->id, third);
  EXPECT_EQ(entries("d"), (std::set<std::string>{".lock", "current", "g-" + second, "g-" + third}));
  EXPECT_EQ(store_->pinned("d", first), nullptr);  // gone: 410
  ASSERT_NE(store_->pinned("d", second), nullptr);
  EXPECT_EQ(store_->pinned("d", second)->records, 2u);
}

TEST_F(DatasetStoreTest, CommitSaysWhetherTheDatasetIsNew) {
  auto lock = store_->try_lock("d");
  {
    GenerationWriter w(*store_, *lock);
    EXPECT_TRUE(w.commit({}, 0));
  }
  GenerationWriter w(*store_, *lock);
  EXPECT_FALSE(w.commit({}, 0));
}

TEST_F(DatasetStoreTest, ReaderOfARemovedGenerationStillReads) {
  write("d", 10);
  auto held = store_->current("d");
  write("d", 20);
  write("d", 30);
  EXPECT_FALSE(fs::exists(store_->root() + "/d/g-" + held->id));
  auto r = store_->locate(*held, 0, 100);
  EXPECT_EQ(r.count, 10u);
  EXPECT_EQ(read(*held, r).substr(0, record(0).size()), record(0));
}

TEST_F(DatasetStoreTest, WriterWithoutCommitLeavesNothing) {
  auto lock = store_->try_lock("d");
  {
    GenerationWriter w(*store_, *lock);
    w.write_records(record(0));
    EXPECT_TRUE(fs::exists(store_->root() + "/d/tmp-" + w.id()));
  }
  EXPECT_EQ(entries("d"), std::set<std::string>{".lock"});
  EXPECT_EQ(store_->current("d"), nullptr);
}

TEST_F(DatasetStoreTest, LockExcludesASecondInThisProcess) {
  auto a = store_->try_lock("d");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(store_->try_lock("d"), nullptr);
  DatasetStore other(dir_);
  EXPECT_EQ(other.try_lock("d"), nullptr);
  EXPECT_NE(store_->try_lock("e"), nullptr);  // per dataset
  a.reset();
  EXPECT_NE(store_->try_lock("d"), nullptr);
}

TEST_F(DatasetStoreTest, LockExcludesAnotherProcess) {
  auto a = store_->try_lock("d");
  ASSERT_NE(a, nullptr);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    DatasetStore child(dir_);
    ::_exit(child.try_lock("d") == nullptr ? 0 : 1);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "the child took a held lock";

  // And the other way round: a lock held by another process (flock(1)).
  a.reset();
  const std::string cmd = "flock -n " + store_->root() + "/d/.lock sleep 2 & sleep 0.5";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_EQ(store_->try_lock("d"), nullptr);
}

TEST_F(DatasetStoreTest, PrepareSweepsWhatACrashLeft) {
  const auto first = write("d", 1), second = write("d", 2);
  // A crash mid-sync leaves a temp folder; one between rename and cleanup
  // leaves a generation older than the previous.
  const std::string d = store_->root() + "/d";
  fs::create_directories(d + "/tmp-20261203T142903123Z-3f9a1c");
  std::ofstream(d + "/tmp-20261203T142903123Z-3f9a1c/records.jsonl") << "{}\n";
  fs::create_directories(d + "/g-20001203T142903123Z-3f9a1c");
  fs::create_directory_symlink("g-" + second, d + "/current.tmp-x");
  // A sync running in another store keeps its temp folder.
  auto running = store_->try_lock("e");
  GenerationWriter w(*store_, *running);

  DatasetStore restarted(dir_);
  EXPECT_EQ(restarted.prepare(), 3u);
  EXPECT_EQ(entries("d"), (std::set<std::string>{".lock", "current", "g-" + first, "g-" + second}));
  EXPECT_TRUE(fs::exists(store_->root() + "/e/tmp-" + w.id()));
  EXPECT_EQ(restarted.current("d")->id, second);
}

TEST_F(DatasetStoreTest, LocateThroughTheSparseIndex) {
  const std::uint64_t n = 5000;
  write("d", n);
  auto g = store_->current("d");
  ASSERT_EQ(g->records, n);
  auto expect = [&](std::uint64_t offset, std::uint64_t limit) {
    std::string want;
    for (std::uint64_t i = offset; i < std::min(n, offset + limit); ++i) want += record(i);
    auto r = store_->locate(*g, offset, limit);
    EXPECT_EQ(r.count, std::min(n, offset + limit) - std::min(n, offset)) << offset << "+" << limit;
    EXPECT_EQ(read(*g, r), want) << offset << "+" << limit;
  };
  for (std::uint64_t offset : {0ull, 1ull, 1023ull, 1024ull, 1025ull, 2047ull, 4096ull, 4999ull})
    for (std::uint64_t limit : {1ull, 2ull, 100ull, 1000ull, 1024ull, 3000ull}) expect(offset, limit);
  // Past the end: an empty range at the end.
  for (std::uint64_t offset : {5000ull, 5001ull, 1ull << 40}) {
    auto r = store_->locate(*g, offset, 100);
    EXPECT_EQ(r.count, 0u);
    EXPECT_EQ(r.begin, g->jsonl_bytes);
    EXPECT_EQ(r.end, g->jsonl_bytes);
  }
}

TEST_F(DatasetStoreTest, LocateInAnEmptyGeneration) {
  write("d", 0);
  auto g = store_->current("d");
  ASSERT_NE(g, nullptr);
  auto r = store_->locate(*g, 0, 100);
  EXPECT_EQ(r.count, 0u);
  EXPECT_EQ(r.begin, 0u);
  EXPECT_EQ(r.end, 0u);
}

TEST_F(DatasetStoreTest, SeesASwitchByAnotherProcessAfterTheRecheck) {
  const auto first = write("d", 1);
  EXPECT_EQ(store_->current("d")->id, first);
  DatasetStore other(dir_);  // another process sharing the folder
  const auto second = write(other, "d", 2);
  EXPECT_EQ(store_->current("d")->id, first);  // cached, still fresh
  std::this_thread::sleep_for(DatasetStore::kRecheck + std::chrono::milliseconds(20));
  EXPECT_FALSE(store_->current_if_fresh("d").has_value());
  EXPECT_EQ(store_->current("d")->id, second);
  EXPECT_EQ(store_->pinned("d", first)->records, 1u);  // the previous, still on disk

  // Removed by the other one: 404 here after the recheck.
  auto lock = other.try_lock("d");
  EXPECT_TRUE(other.remove(*lock));
  std::this_thread::sleep_for(DatasetStore::kRecheck + std::chrono::milliseconds(20));
  EXPECT_EQ(store_->current("d"), nullptr);
}

TEST_F(DatasetStoreTest, ManyDatasetsStayWithinTheCache) {
  for (std::size_t i = 0; i < DatasetStore::kMaxCached + 5; ++i) write("d" + std::to_string(i), 1);
  for (std::size_t i = 0; i < DatasetStore::kMaxCached + 5; ++i)
    EXPECT_NE(store_->current("d" + std::to_string(i)), nullptr);
  EXPECT_EQ(store_->names().size(), DatasetStore::kMaxCached + 5);
}

TEST_F(DatasetStoreTest, RemoveDeletesEverything) {
  write("d", 1);
  write("d", 2);
  auto held = store_->current("d");
  {
    auto lock = store_->try_lock("d");
    EXPECT_TRUE(store_->remove(*lock));
  }
  EXPECT_EQ(store_->current("d"), nullptr);
  EXPECT_FALSE(fs::exists(store_->root() + "/d"));
  EXPECT_TRUE(store_->names().empty());
  EXPECT_EQ(read(*held, store_->locate(*held, 0, 10)), record(0) + record(1));  // in-flight readers finish
  auto lock = store_->try_lock("nothing");
  EXPECT_FALSE(store_->remove(*lock));
  // The dataset can be made again.
  write("d", 3);
  EXPECT_EQ(store_->current("d")->records, 3u);
}

TEST_F(DatasetStoreTest, FreeBytes) { EXPECT_GT(store_->free_bytes(), 0u); }

}  // namespace
