#include "services/datafeed/page.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

using namespace keel;
using namespace keel::datafeed;

TEST(DataPage, ShapeTable) {
  struct Case {
    std::uint64_t count, offset, limit, returned;
    std::optional<std::uint64_t> next;
  };
  const Case cases[] = {
      {0, 0, 100, 0, std::nullopt},        // empty dataset
      {250, 0, 100, 100, 100},             // first page
      {250, 100, 100, 100, 200},           // middle
      {250, 200, 100, 50, std::nullopt},   // last, short
      {200, 100, 100, 100, std::nullopt},  // last, exactly full
      {250, 250, 100, 0, std::nullopt},    // at the end
      {250, 9999, 100, 0, std::nullopt},   // past the end
      {1, 0, 1, 1, std::nullopt},
  };
  for (const auto& c : cases) {
    PageShape s = page_shape(c.count, c.offset, c.limit);
    EXPECT_EQ(s.returned, c.returned) << c.count << "/" << c.offset;
    EXPECT_EQ(s.next_offset, c.next) << c.count << "/" << c.offset;
  }
}

namespace {
// A generation with just what a page needs: names and records.jsonl.
std::shared_ptr<Generation> generation_of(const std::string& jsonl, std::uint64_t records) {
  char path[] = "/tmp/keel-page-XXXXXX";
  int fd = ::mkstemp(path);
  EXPECT_GE(fd, 0);
  ::unlink(path);
  EXPECT_EQ(::write(fd, jsonl.data(), jsonl.size()), static_cast<ssize_t>(jsonl.size()));
  auto g = std::make_shared<Generation>();
  g->dataset = "shop";
  g->id = "20261203T142903123Z-3f9a1c";
  g->records = records;
  g->jsonl_bytes = jsonl.size();
  g->records_file = std::make_shared<OpenFile>(fd);
  return g;
}
}  // namespace

TEST(DataPage, PrefixIsTheEnvelope) {
  auto g = generation_of("", 250);
  std::string page = page_prefix(*g, page_shape(250, 200, 100)) + std::string(kPageSuffix);
  auto j = nlohmann::json::parse(page);
  EXPECT_EQ(j["dataset"], "shop");
  EXPECT_EQ(j["generation"], "20261203T142903123Z-3f9a1c");
  EXPECT_EQ(j["count"], 250);
  EXPECT_EQ(j["offset"], 200);
  EXPECT_EQ(j["limit"], 100);
  EXPECT_EQ(j["returned"], 50);
  EXPECT_TRUE(j["next_offset"].is_null());
  EXPECT_EQ(j["data"], nlohmann::json::array());
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys.size(), 8u);
}

TEST(DataPage, RecordsBecomeArrayMembersInAnyPieceSize) {
  const std::string lines = "{\"a\":\"1\"}\n{\"a\":\"x\\ny\"}\n{\"a\":\"3\"}\n{\"a\":\"4\"}\n";
  auto g = generation_of(lines, 4);
  // Records 1..2: bytes of the 2nd and 3rd lines.
  const std::uint64_t begin = lines.find('\n') + 1;
  const std::uint64_t end = lines.find('\n', lines.find('\n', begin) + 1) + 1;
  for (std::size_t piece = 1; piece <= 40; ++piece) {
    PageRecords pr(g, RecordRange{begin, end, 2});
    std::string out;
    while (!pr.done()) pr.read_next(out, piece);
    EXPECT_EQ(out, "{\"a\":\"x\\ny\"},{\"a\":\"3\"}") << "piece " << piece;
    EXPECT_EQ(out.size(), pr.size());
  }
  PageRecords empty(g, RecordRange{lines.size(), lines.size(), 0});
  EXPECT_TRUE(empty.done());
  EXPECT_EQ(empty.size(), 0u);
  auto page = nlohmann::json::parse(page_prefix(*g, page_shape(4, 4, 10)) + std::string(kPageSuffix));
  EXPECT_EQ(page["returned"], 0);
}
