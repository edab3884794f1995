// `keel sync-csv NAME FILE|-` run as a separate process against a data
// folder: the report on stdout and the exit codes (0 synced, 1 failed with
// the old generation kept, 2 a bad argument), stdin as the source, and the
// dataset's lock held by another process.
#include "e2e/support.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>

using namespace e2e;
using nlohmann::json;

namespace {

namespace fs = std::filesystem;

struct CliRun {
  int code = -1;
  std::string out, err;
  json report() const { return json::parse(out, nullptr, false); }
};

class SyncCli : public ::testing::Test {
 protected:
  std::string data() const { return dir_.path + "/data"; }
  std::string file(const std::string& name, const std::string& content) const {
    const std::string path = dir_.path + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  // Runs keel with `args` (already shell-quoted where needed), stdin from `in`.
  CliRun keel(const std::string& args, const std::string& in = "/dev/null") const {
    const std::string err = dir_.path + "/stderr.txt";
    auto [code, out] = sh("KEEL_DATA_DIR='" + data() + "' timeout 60 " + std::string(KEEL_BINARY) + " " + args + " <" +
                          in + " 2>" + err);
    std::ifstream f(err);
    std::string e((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    return {code, out, e};
  }
  std::string current(const std::string& name) const {
    std::error_code ec;
    auto target = fs::read_symlink(data() + "/datasets/" + name + "/current", ec);
    return ec ? std::string() : target.string();
  }
  TempDir dir_;
};

TEST_F(SyncCli, SyncsAFileAndPrintsTheReport) {
  const std::string csv = "sku,name\n1,apple\n2,pear\n";
  const auto path = file("fruit.csv", csv);
  auto run = keel("sync-csv fruit " + path);
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.out.back(), '\n');
  EXPECT_EQ(run.out.find('\n'), run.out.size() - 1) << "one line";
  auto r = run.report();
  ASSERT_TRUE(r.is_object()) << run.out;
  EXPECT_EQ(r["dataset"], "fruit");
  EXPECT_EQ(r["records"], 2);
  EXPECT_EQ(r["columns"], (json{"sku", "name"}));
  EXPECT_EQ(r["source"], path);
  EXPECT_EQ(r["source_bytes"], csv.size());
  EXPECT_EQ(r["source_sha256"], sha256_hex(csv));
  EXPECT_EQ(r["bad_rows"], 0);
  ASSERT_TRUE(r["generation"].is_string());
  EXPECT_EQ(current("fruit"), "g-" + r["generation"].get<std::string>());
  std::ifstream meta(data() + "/datasets/fruit/g-" + r["generation"].get<std::string>() + "/meta.json");
  EXPECT_EQ(json::parse(meta), r);
}

TEST_F(SyncCli, ReadsStdin) {
  const auto path = file("in.csv", "a;b\n1;2\n");
  auto run = keel("sync-csv piped - --delimiter ';'", path);
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(run.report()["source"], "stdin");
  EXPECT_EQ(run.report()["records"], 1);
  EXPECT_EQ(run.report()["columns"], (json{"a", "b"}));
}

TEST_F(SyncCli, BadArgumentsExit2) {
  const auto path = file("x.csv", "a\n1\n");
  const std::vector<std::string> bad = {
      "sync-csv x " + path + " --delimiter x",       "sync-csv x " + path + " --encoding ebcdic",
      "sync-csv x " + path + " --max-bad-rows -1",   "sync-csv x " + path + " --max-bad-rows 1000000001",
      "sync-csv x " + path + " --max-bad-rows 1e3", "sync-csv Bad " + path,
      "sync-csv x"};
  for (const auto& args : bad) {
    auto run = keel(args);
    EXPECT_EQ(run.code, 2) << args;
    EXPECT_FALSE(run.err.empty()) << args;
    EXPECT_TRUE(run.out.empty()) << args;
  }
  EXPECT_FALSE(fs::exists(data() + "/datasets/x/current"));
}

TEST_F(SyncCli, TooManyBadRowsExit1AndKeepsTheOldGeneration) {
  auto first = keel("sync-csv d " + file("good.csv", "a,b\n1,2\n"));
  ASSERT_EQ(first.code, 0) << first.err;
  const auto before = current("d");
  auto run = keel("sync-csv d " + file("bad.csv", "a,b\n1\n2\n3,3\n") + " --max-bad-rows 1");
  EXPECT_EQ(run.code, 1);
  EXPECT_NE(run.err.find("too many bad rows"), std::string::npos) << run.err;
  auto r = run.report();
  ASSERT_TRUE(r.is_object()) << run.out;
  EXPECT_EQ(r["generation"], nullptr);
  EXPECT_EQ(r["bad_rows"], 2);
  EXPECT_EQ(current("d"), before);
  for (const auto& e : fs::directory_iterator(data() + "/datasets/d"))
    EXPECT_NE(e.path().filename().string().rfind("tmp-", 0), 0u) << e.path();
}

TEST_F(SyncCli, EmptyFileExit1) {
  auto run = keel("sync-csv d " + file("empty.csv", ""));
  EXPECT_EQ(run.code, 1);
  EXPECT_NE(run.err.find("empty CSV: no header row"), std::string::npos) << run.err;
  EXPECT_EQ(run.report()["generation"], nullptr);
}

TEST_F(SyncCli, LockedByAnotherProcessExit1) {
  const auto path = file("x.csv", "a\n1\n");
  ASSERT_EQ(keel("sync-csv d " + path).code, 0);
  // Another process (flock(1)) holds the dataset's lock for a while.
  ASSERT_EQ(sh("flock -n " + data() + "/datasets/d/.lock sleep 3 >/dev/null 2>&1 & sleep 0.5").first, 0);
  auto run = keel("sync-csv d " + path);
  EXPECT_EQ(run.code, 1);
  EXPECT_NE(run.err.find("sync in progress"), std::string::npos) << run.err;
  EXPECT_EQ(run.report()["generation"], nullptr);
}

// Peak RSS (KiB) of `keel sync-csv NAME FILE` run directly (wait4 gives
// that one process's figure).
long peak_rss_kib(const std::string& data_dir, const std::string& name, const std::string& path) {
  std::string env_data = "KEEL_DATA_DIR=" + data_dir;
  std::vector<std::string> args = {KEEL_BINARY, "sync-csv", name, path};
  std::vector<char*> argv, envp = {env_data.data(), nullptr};
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  if (posix_spawn(&pid, KEEL_BINARY, &actions, nullptr, argv.data(), envp.data()) != 0) return -1;
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  struct rusage usage {};
  if (::wait4(pid, &status, 0, &usage) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return -1;
  return usage.ru_maxrss;
}

TEST_F(SyncCli, MemoryStaysFlatWhateverTheFileSize) {
  const auto small = file("small.csv", "id,name,price\n1,a,2\n");
  const std::string big = dir_.path + "/big.csv";
  {
    std::ofstream f(big, std::ios::binary);
    f << "id,name,price,description\n";
    std::string rows;
    for (int i = 0; i < 10000; ++i)
      rows += std::to_string(i) + ",product " + std::to_string(i) + ",9.99,a description of the product\n";
    while (static_cast<std::uint64_t>(f.tellp()) < (160ull << 20)) f << rows;
  }
  const long base = peak_rss_kib(data(), "small", small);
  const long peak = peak_rss_kib(data(), "big", big);
  ASSERT_GT(base, 0);
  ASSERT_GT(peak, 0);
#ifndef __SANITIZE_ADDRESS__  // ASan's shadow memory, quarantine and per-thread caches inflate RSS
  EXPECT_LE(peak - base, 4 * 1024) << "base " << base << " KiB, 160 MiB sync " << peak << " KiB";
#endif
}

}  // namespace
