#include "services/db/url.hpp"

#include <gtest/gtest.h>

using keel::db::parse_db_url;

TEST(DbUrl, ParsesFullUrl) {
  auto u = parse_db_url("mysql://keel:secret@127.0.0.1:3307/keel");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->user, "keel");
  EXPECT_EQ(u->password, "secret");
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 3307u);
  EXPECT_EQ(u->database, "keel");
}

TEST(DbUrl, DefaultsPortAndAllowsNoPasswordOrDatabase) {
  auto u = parse_db_url("mariadb://app@db.internal");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->user, "app");
  EXPECT_EQ(u->password, "");
  EXPECT_EQ(u->host, "db.internal");
  EXPECT_EQ(u->port, 3306u);
  EXPECT_EQ(u->database, "");
  u = parse_db_url("mysql://app:@h/");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->database, "");
}

TEST(DbUrl, PercentDecodesUserAndPassword) {
  auto u = parse_db_url("mysql://us%65r:p%40ss%3Aw%2Fo%25rd@h:1/db");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->user, "user");
  EXPECT_EQ(u->password, "p@ss:w/o%rd");
}

TEST(DbUrl, LastAtSeparatesUserinfo) {
  auto u = parse_db_url("mysql://u:p@ss@h/db");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->password, "p@ss");
  EXPECT_EQ(u->host, "h");
}

TEST(DbUrl, BracketedIpv6) {
  auto u = parse_db_url("mysql://u:p@[::1]:3307/db");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, 3307u);
}

TEST(DbUrl, RejectsBadInput) {
  for (const char* bad :
       {"", "mysql://", "postgres://u:p@h/db", "mysql://h:3306/db", "mysql://:p@h/db", "mysql://u:p@/db",
        "mysql://u:p@h:/db", "mysql://u:p@h:0/db", "mysql://u:p@h:65536/db", "mysql://u:p@h:33a/db",
        "mysql://u:p@h/db?ssl=1", "mysql://u:p@h/db#x", "mysql://u:p@h/a/b", "mysql://u:p%4@h/db",
        "mysql://u:p%zz@h/db", "mysql://u:p@::1/db", "mysql://u:p@[::1/db", "mysql://u:p@[::1]x/db"}) {
    EXPECT_FALSE(parse_db_url(bad).has_value()) << bad;
  }
}

TEST(DbUrl, RedactedHidesPassword) {
  auto u = parse_db_url("mysql://keel:secret@127.0.0.1:3307/keel");
  ASSERT_TRUE(u);
  EXPECT_EQ(keel::db::redacted(*u), "mysql://keel:***@127.0.0.1:3307/keel");
}

TEST(DbUrl, SeveralHostsInOrderOfPreference) {
  auto u = parse_db_url("mysql://keel:k@127.0.0.1:3311,127.0.0.1:3312,[::1]:3313,db4/keel");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 3311u);
  const std::vector<keel::db::DbHost> want = {
      {"127.0.0.1", 3311}, {"127.0.0.1", 3312}, {"::1", 3313}, {"db4", 3306}};
  EXPECT_EQ(u->hosts(), want);
  EXPECT_EQ(u->database, "keel");
  EXPECT_EQ(keel::db::redacted(*u), "mysql://keel:***@127.0.0.1:3311,127.0.0.1:3312,[::1]:3313,db4:3306/keel");
  auto one = parse_db_url("mysql://keel:k@h:1/keel");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->hosts().size(), 1u);
}

TEST(DbUrl, RejectsAnEmptyOrBadHostInAList) {
  for (const char* bad : {"mysql://u:p@h1,/db", "mysql://u:p@,h2/db", "mysql://u:p@h1,,h2/db", "mysql://u:p@h1:1,h2:0/db",
                          "mysql://u:p@h1,h2:/db", "mysql://u:p@h1,::1/db"}) {
    EXPECT_FALSE(parse_db_url(bad).has_value()) << bad;
  }
}
