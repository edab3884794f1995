// Opening files under a root folder (services/storage/under_root): regular
// files inside it open, anything that leads out of it or is not a regular
// file does not.
#include "services/storage/under_root.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using namespace keel;

namespace {

class UnderRoot : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/keel_under_root.XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    base_ = fs::canonical(tmpl).string();
    root_ = base_ + "/root";
    fs::create_directories(root_ + "/css");
    std::ofstream(root_ + "/css/site.css") << "body{}";
    std::ofstream(base_ + "/secret.txt") << "outside";
    fs::create_symlink(root_ + "/css/site.css", root_ + "/abs-inside.css");
    fs::create_symlink("css/site.css", root_ + "/rel-inside.css");
    fs::create_symlink(base_ + "/secret.txt", root_ + "/abs-outside.txt");
    fs::create_symlink("../secret.txt", root_ + "/rel-outside.txt");
  }
  void TearDown() override { fs::remove_all(base_); }
  std::string base_, root_;
};

}  // namespace

TEST_F(UnderRoot, OpensRegularFilesInsideOnly) {
  struct Case {
    const char* rel;
    bool opens;
  };
  const Case cases[] = {
      {"css/site.css", true},   {"abs-inside.css", true},  // an absolute symlink that still points inside
      {"rel-inside.css", true}, {"abs-outside.txt", false}, {"rel-outside.txt", false},
      {"../secret.txt", false}, {"missing.css", false},     {"css", false},  // a folder
  };
  for (const auto& c : cases) {
    auto f = storage::open_under_root(root_, c.rel);
    EXPECT_EQ(f.has_value(), c.opens) << c.rel;
    if (f && c.opens) {
      EXPECT_EQ(f->size, 6u) << c.rel;
      ASSERT_TRUE(f->file);
      char buf[8] = {};
      EXPECT_EQ(::pread(f->file->fd(), buf, sizeof buf, 0), 6) << c.rel;
      EXPECT_STREQ(buf, "body{}");
      EXPECT_GT(f->modified_s, 0) << c.rel;
    }
  }
  EXPECT_FALSE(storage::open_under_root(base_ + "/no-such-root", "css/site.css"));
}

TEST_F(UnderRoot, AFifoIsRefusedWithoutWaitingForAWriter) {
  // Opening a FIFO for reading blocks until a writer comes; under a root it
  // must be refused at once (the test would hang otherwise).
  ASSERT_EQ(::mkfifo((root_ + "/pipe").c_str(), 0644), 0);
  fs::create_symlink("pipe", root_ + "/pipe-link");
  EXPECT_FALSE(storage::open_under_root(root_, "pipe"));
  EXPECT_FALSE(storage::open_under_root(root_, "pipe-link"));
}

TEST_F(UnderRoot, ASwappedRootIsSeenWithinASecond) {
  const std::string link = base_ + "/current";
  fs::create_symlink(root_, link);
  ASSERT_TRUE(storage::open_under_root(link, "css/site.css"));
  const std::string release = base_ + "/release2";
  fs::create_directories(release);
  std::ofstream(release + "/new.css") << "p{}";
  fs::remove(link);
  fs::create_symlink(release, link);
  ::usleep(1100 * 1000);
  EXPECT_TRUE(storage::open_under_root(link, "new.css"));
  EXPECT_FALSE(storage::open_under_root(link, "css/site.css"));
}
