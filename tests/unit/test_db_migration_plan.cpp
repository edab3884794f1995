#include "services/crypto/sha256.hpp"
#include "services/db/errors.hpp"
#include "services/db/migration_plan.hpp"

#include <gtest/gtest.h>

using namespace keel::db;

TEST(DbSha256, KnownVectors) {
  EXPECT_EQ(keel::sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(keel::sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(DbMigrationName, Valid) {
  EXPECT_TRUE(valid_migration_name("0001_bookings.sql"));
  EXPECT_TRUE(valid_migration_name("12345_add_col_2.sql"));
  EXPECT_FALSE(valid_migration_name("001_x.sql"));
  EXPECT_FALSE(valid_migration_name("0001.sql"));
  EXPECT_FALSE(valid_migration_name("0001_.sql"));
  EXPECT_FALSE(valid_migration_name("0001_Bookings.sql"));
  EXPECT_FALSE(valid_migration_name("0001_x.txt"));
  EXPECT_FALSE(valid_migration_name("0001-x.sql"));
}

TEST(DbSplitStatements, SplitsOnSemicolonAtLineEnd) {
  const auto s = split_statements(
      "-- header; with a semicolon;\n"
      "CREATE TABLE a (\n  x INT -- trailing; comment\n);\n"
      "\n"
      "# another comment;\n"
      "INSERT INTO a VALUES (1), (2);   \n"
      "INSERT INTO a VALUES ('x;y');\n"
      "SELECT 1");
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0], "-- header; with a semicolon;\nCREATE TABLE a (\n  x INT -- trailing; comment\n)");
  EXPECT_EQ(s[1], "# another comment;\nINSERT INTO a VALUES (1), (2)");
  EXPECT_EQ(s[2], "INSERT INTO a VALUES ('x;y')");
  EXPECT_EQ(s[3], "SELECT 1");
}

TEST(DbSplitStatements, CrlfAndOnlyComments) {
  EXPECT_TRUE(split_statements("-- nothing here;\n\n  \n").empty());
  const auto s = split_statements("SELECT 1;\r\nSELECT 2;\r\n");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0], "SELECT 1");
  EXPECT_EQ(s[1], "SELECT 2");
}

TEST(DbSplitStatements, EmbeddedMigrationsSplitCleanly) {
  for (const auto& m : embedded_migrations()) {
    EXPECT_TRUE(valid_migration_name(m.name)) << m.name;
    const auto statements = split_statements(m.sql);
    EXPECT_FALSE(statements.empty()) << m.name;
    for (const auto& st : statements) {
      // Outside comment lines, no line of a statement ends with ';'.
      std::size_t pos = 0;
      while (pos < st.size()) {
        const auto nl = st.find('\n', pos);
        std::string line = st.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
        while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
        const auto first = line.find_first_not_of(' ');
        const bool comment = first != std::string::npos && (line.compare(first, 2, "--") == 0 || line[first] == '#');
        if (!comment) { EXPECT_FALSE(!line.empty() && line.back() == ';') << m.name << ": " << line; }
        if (nl == std::string::npos) break;
        pos = nl + 1;
      }
    }
  }
}

namespace {
const std::vector<EmbeddedMigration> kAvailable = {
    {"0001_a.sql", "CREATE TABLE a (x INT);"},
    {"0002_b.sql", "CREATE TABLE b (x INT);"},
    {"0003_c.sql", "CREATE TABLE c (x INT);"},
};
}

TEST(DbMigrationPlan, NothingAppliedEverythingPending) {
  EXPECT_EQ(plan_migrations({}, kAvailable), (std::vector<std::string>{"0001_a.sql", "0002_b.sql", "0003_c.sql"}));
}

TEST(DbMigrationPlan, AppliedOnesAreSkipped) {
  std::map<std::string, std::string> applied = {{"0001_a.sql", keel::sha256_hex("CREATE TABLE a (x INT);")}};
  EXPECT_EQ(plan_migrations(applied, kAvailable), (std::vector<std::string>{"0002_b.sql", "0003_c.sql"}));
  applied["0002_b.sql"] = keel::sha256_hex("CREATE TABLE b (x INT);");
  applied["0003_c.sql"] = keel::sha256_hex("CREATE TABLE c (x INT);");
  EXPECT_TRUE(plan_migrations(applied, kAvailable).empty());
}

TEST(DbMigrationPlan, ChangedChecksumIsAnError) {
  std::map<std::string, std::string> applied = {{"0001_a.sql", keel::sha256_hex("CREATE TABLE a (y INT);")}};
  try {
    plan_migrations(applied, kAvailable);
    FAIL() << "no error";
  } catch (const MigrationError& e) { EXPECT_STREQ(e.what(), "migration 0001_a.sql was changed after it was applied"); }
}

TEST(DbMigrationPlan, RecordedButMissingIsAnError) {
  std::map<std::string, std::string> applied = {{"0000_gone.sql", keel::sha256_hex("x")}};
  EXPECT_THROW(plan_migrations(applied, kAvailable), MigrationError);
}

TEST(DbMigrationPlan, PendingBeforeAppliedIsAnError) {
  std::map<std::string, std::string> applied = {{"0002_b.sql", keel::sha256_hex("CREATE TABLE b (x INT);")}};
  EXPECT_THROW(plan_migrations(applied, kAvailable), MigrationError);
}

TEST(DbMigrationPlan, BadNamesOrOrderAreErrors) {
  const std::vector<EmbeddedMigration> bad_name = {{"1_a.sql", "SELECT 1;"}};
  EXPECT_THROW(plan_migrations({}, bad_name), MigrationError);
  const std::vector<EmbeddedMigration> bad_order = {{"0002_b.sql", "SELECT 1;"}, {"0001_a.sql", "SELECT 1;"}};
  EXPECT_THROW(plan_migrations({}, bad_order), MigrationError);
}
