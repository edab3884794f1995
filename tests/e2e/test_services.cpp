// The service catalogue against a real MariaDB: the admin routes (create,
// read, change, delete; each 422, 409 and 404), the public list with its
// ETag, and the migration that turns the free-text services of an existing
// database into catalogue entries, keeping every booking.
#include "e2e/support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace e2e;
using nlohmann::json;

namespace {

const char* kAdminKey = "admin-secret-key";
using Headers = std::vector<std::pair<std::string, std::string>>;

std::pair<std::string, std::string> admin() { return {"X-API-Key", kAdminKey}; }

// A day's intervals as JSON: [["09:00","17:00"], ...].
json day(std::vector<std::pair<std::string, std::string>> intervals) {
  json out = json::array();
  for (auto& [open, close] : intervals) out.push_back(json::array({open, close}));
  return out;
}

HttpResponse send(unsigned port, const std::string& method, const std::string& path, const json& body,
                  Headers headers = {admin()}) {
  if (!body.is_null()) headers.emplace_back("Content-Type", "application/json");
  auto r = request(port, {method, path, headers, body.is_null() ? "" : body.dump()});
  if (!r) throw std::runtime_error("no response for " + method + " " + path);
  return *r;
}

class Services : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (test_db_url().empty()) return;
    db_ = new TestDatabase();
    keel_ = new Keel(Env{{"KEEL_DB_URL", db_->url}, {"KEEL_ADMIN_API_KEY", kAdminKey}});
  }
  static void TearDownTestSuite() {
    delete keel_;
    delete db_;
    keel_ = nullptr;
    db_ = nullptr;
  }
  void SetUp() override {
    if (!db_) GTEST_SKIP() << "KEEL_TEST_DB_URL is not set (run through scripts/test)";
  }
  static unsigned port() { return keel_->port(); }

  static std::string unique_slug(const std::string& prefix) { return prefix + "-" + random_hex(4); }
  static json service(const std::string& slug) {
    return {{"slug", slug},
            {"name", "Massage " + slug},
            {"durations", {60, 30}},
            {"opening_hours", {{"mon", day({{"09:00", "12:00"}, {"13:00", "17:00"}})}}},
            {"closed_dates", {"2026-12-25"}}};
  }
  static HttpResponse create(const json& body, Headers h = {admin()}) {
    return send(port(), "POST", "/api/admin/services", body, std::move(h));
  }
  static HttpResponse patch(const std::string& slug, const json& body) {
    return send(port(), "PATCH", "/api/admin/services/" + slug, body);
  }
  static HttpResponse remove(const std::string& slug) {
    return send(port(), "DELETE", "/api/admin/services/" + slug, nullptr);
  }
  // The slugs a list answer names.
  static std::vector<std::string> slugs(const HttpResponse& r) {
    std::vector<std::string> out;
    const json doc = r.json();
    for (const auto& s : doc["services"]) out.push_back(s["slug"]);
    return out;
  }
  static bool lists(const HttpResponse& r, const std::string& slug) {
    auto all = slugs(r);
    return std::find(all.begin(), all.end(), slug) != all.end();
  }

  static TestDatabase* db_;
  static Keel* keel_;
};
TestDatabase* Services::db_ = nullptr;
Keel* Services::keel_ = nullptr;

}  // namespace

TEST_F(Services, CreateReadChangeDelete) {
  const std::string slug = unique_slug("crud");
  auto made = create(service(slug));
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(made.header("Location").value_or(""), "/api/admin/services/" + slug);
  const json expected = {{"slug", slug},
                         {"name", "Massage " + slug},
                         {"description", ""},
                         {"durations", {30, 60}},
                         {"buffer_before_min", 0},
                         {"buffer_after_min", 0},
                         {"slot_step_min", 15},
                         {"active", true},
                         {"opening_hours",
                          {{"mon", day({{"09:00", "12:00"}, {"13:00", "17:00"}})},
                           {"tue", json::array()},
                           {"wed", json::array()},
                           {"thu", json::array()},
                           {"fri", json::array()},
                           {"sat", json::array()},
                           {"sun", json::array()}}},
                         {"closed_dates", {"2026-12-25"}}};
  EXPECT_EQ(made.json(), expected);

  auto read = get(port(), "/api/admin/services/" + slug, {admin()});
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(read.json(), expected);
  EXPECT_TRUE(lists(get(port(), "/api/admin/services", {admin()}), slug));
  EXPECT_TRUE(lists(get(port(), "/api/services"), slug));

  auto changed = patch(slug, {{"name", "Hot stone"},
                              {"slug", slug},
                              {"buffer_after_min", 15},
                              {"opening_hours", {{"sun", day({{"10:00", "24:00"}})}}},
                              {"closed_dates", {"2027-01-01", "2026-12-31"}}});
  ASSERT_EQ(changed.status, 200) << changed.body;
  json after = expected;
  after["name"] = "Hot stone";
  after["buffer_after_min"] = 15;
  after["opening_hours"]["sun"] = day({{"10:00", "24:00"}});
  after["closed_dates"] = {"2026-12-31", "2027-01-01"};
  EXPECT_EQ(changed.json(), after);
  EXPECT_EQ(get(port(), "/api/admin/services/" + slug, {admin()}).json(), after);

  auto gone = remove(slug);
  EXPECT_EQ(gone.status, 204) << gone.body;
  EXPECT_TRUE(gone.body.empty());
  EXPECT_EQ(get(port(), "/api/admin/services/" + slug, {admin()}).status, 404);
  EXPECT_FALSE(lists(get(port(), "/api/admin/services", {admin()}), slug));
  auto again = remove(slug);
  EXPECT_EQ(again.status, 404);
  EXPECT_EQ(again.json()["detail"], "service not found");
}

TEST_F(Services, EachRuleIs422AtItsLoc) {
  struct Case {
    std::string path;  // a JSON pointer into a valid body
    json value;        // "<removed>": the field is left out
    json loc;
    std::string type;
  };
  const Case cases[] = {
      {"/slug", "Massage", {"body", "slug"}, "string_pattern_mismatch"},
      {"/slug", "<removed>", {"body", "slug"}, "missing"},
      {"/name", "", {"body", "name"}, "string_too_short"},
      {"/description", std::string(2001, 'd'), {"body", "description"}, "string_too_long"},
      {"/durations", json::array(), {"body", "durations"}, "too_short"},
      {"/durations", {30, 30}, {"body", "durations", 1}, "value_error"},
      {"/durations", {1441}, {"body", "durations", 0}, "less_than_equal"},
      {"/buffer_before_min", 1441, {"body", "buffer_before_min"}, "less_than_equal"},
      {"/buffer_after_min", -1, {"body", "buffer_after_min"}, "greater_than_equal"},
      {"/slot_step_min", 4, {"body", "slot_step_min"}, "greater_than_equal"},
      {"/active", "yes", {"body", "active"}, "bool_type"},
      {"/opening_hours/holiday", json::array(), {"body", "opening_hours", "holiday"}, "extra_forbidden"},
      {"/opening_hours/tue", day({{"17:00", "09:00"}}), {"body", "opening_hours", "tue", 0}, "value_error"},
      {"/opening_hours/tue",
       day({{"09:00", "13:00"}, {"12:00", "17:00"}}),
       {"body", "opening_hours", "tue", 1},
       "value_error"},
      {"/opening_hours/tue", day({{"09:00", "24:30"}}), {"body", "opening_hours", "tue", 0, 1}, "time_parsing"},
      {"/closed_dates", {"2026-02-30"}, {"body", "closed_dates", 0}, "date_parsing"},
      {"/closed_dates", {"2026-12-25", "2026-12-25"}, {"body", "closed_dates", 1}, "value_error"},
      {"/color", "blue", {"body", "color"}, "extra_forbidden"},
  };
  for (const auto& c : cases) {
    json body = service(unique_slug("bad"));
    json::json_pointer p(c.path);
    if (c.value == "<removed>")
      body[p.parent_pointer()].erase(p.back());
    else
      body[p] = c.value;
    auto r = create(body);
    ASSERT_EQ(r.status, 422) << body.dump() << "\n" << r.body;
    json detail = r.json()["detail"];
    ASSERT_EQ(detail.size(), 1u) << r.body;
    EXPECT_EQ(detail[0]["loc"], c.loc) << r.body;
    EXPECT_EQ(detail[0]["type"], c.type) << r.body;
  }
  // Nothing of it was stored.
  for (const auto& s : slugs(get(port(), "/api/admin/services", {admin()}))) EXPECT_NE(s.rfind("bad-", 0), 0u) << s;

  const std::string slug = unique_slug("patched");
  ASSERT_EQ(create(service(slug)).status, 201);
  auto renamed = patch(slug, {{"slug", "other"}});
  ASSERT_EQ(renamed.status, 422) << renamed.body;
  EXPECT_EQ(renamed.json()["detail"][0]["loc"], json({"body", "slug"}));
  auto bad_day = patch(slug, {{"opening_hours", {{"mon", day({{"18:00", "17:00"}})}}}});
  ASSERT_EQ(bad_day.status, 422) << bad_day.body;
  EXPECT_EQ(bad_day.json()["detail"][0]["loc"], json({"body", "opening_hours", "mon", 0}));
  EXPECT_EQ(send(port(), "PATCH", "/api/admin/services/" + slug, json::array()).status, 422);
  EXPECT_EQ(get(port(), "/api/admin/services/" + slug, {admin()}).json()["opening_hours"]["mon"],
            day({{"09:00", "12:00"}, {"13:00", "17:00"}}))
      << "a refused PATCH changes nothing";
}

TEST_F(Services, DuplicateSlugIs409AndUnknownSlugsAre404) {
  const std::string slug = unique_slug("dup");
  ASSERT_EQ(create(service(slug)).status, 201);
  json other = service(slug);
  other["name"] = "Another";
  auto dup = create(other);
  EXPECT_EQ(dup.status, 409) << dup.body;
  EXPECT_NE(dup.json()["detail"].get<std::string>().find(slug), std::string::npos) << dup.body;
  EXPECT_EQ(get(port(), "/api/admin/services/" + slug, {admin()}).json()["name"], "Massage " + slug);

  for (const std::string missing : {"no-such-service", "Not_A_Slug", "%C3%B6l"}) {
    EXPECT_EQ(patch(missing, {{"name", "x"}}).status, 404) << missing;
    EXPECT_EQ(remove(missing).status, 404) << missing;
    EXPECT_EQ(get(port(), "/api/admin/services/" + missing, {admin()}).status, 404) << missing;
  }
}

TEST_F(Services, DeleteIs409WhileABookingNamesItSoDeactivateInstead) {
  const std::string slug = unique_slug("booked");
  ASSERT_EQ(create(service(slug)).status, 201);
  json booking = {{"name", "Ann"},
                  {"email", "ann@example.com"},
                  {"service", slug},
                  {"starts_at", "2031-03-03T09:00:00Z"},
                  {"duration_minutes", 30}};
  auto b = send(port(), "POST", "/api/bookings", booking, {});
  ASSERT_EQ(b.status, 201) << b.body;

  auto refused = remove(slug);
  EXPECT_EQ(refused.status, 409) << refused.body;
  EXPECT_EQ(refused.json()["detail"], "service has bookings; deactivate it instead");
  EXPECT_EQ(get(port(), "/api/admin/services/" + slug, {admin()}).status, 200);

  auto off = patch(slug, {{"active", false}});
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(off.json()["active"], false);
  EXPECT_FALSE(lists(get(port(), "/api/services"), slug)) << "inactive services are not listed publicly";
  EXPECT_TRUE(lists(get(port(), "/api/admin/services", {admin()}), slug));
  EXPECT_EQ(remove(slug).status, 409) << "still booked";

  // A cancelled booking still names it.
  auto id = std::to_string(b.json()["id"].get<std::int64_t>());
  ASSERT_EQ(send(port(), "POST", "/api/bookings/" + id + "/cancel", nullptr,
                 {{"Authorization", "Bearer " + b.json()["manage_token"].get<std::string>()}})
                .status,
            200);
  EXPECT_EQ(remove(slug).status, 409);
}

TEST_F(Services, PublicListHasAnEtagThatChangesWithAService) {
  const std::string slug = unique_slug("etag");
  ASSERT_EQ(create(service(slug)).status, 201);
  auto first = get(port(), "/api/services");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.header("Cache-Control").value_or(""), "no-cache");
  EXPECT_EQ(first.header("Content-Type").value_or(""), "application/json");
  auto etag = first.header("ETag");
  ASSERT_TRUE(etag);
  EXPECT_EQ(etag->front(), '"');
  EXPECT_TRUE(lists(first, slug));
  const json doc = first.json();
  for (const auto& s : doc["services"]) EXPECT_EQ(s["active"], true);
  auto ordered = slugs(first);
  EXPECT_TRUE(std::is_sorted(ordered.begin(), ordered.end()));

  auto same = get(port(), "/api/services", {{"If-None-Match", *etag}});
  EXPECT_EQ(same.status, 304);
  EXPECT_TRUE(same.body.empty());
  EXPECT_EQ(same.header("ETag").value_or(""), *etag);
  EXPECT_EQ(get(port(), "/api/services", {{"If-None-Match", "\"other\", " + *etag}}).status, 304);
  EXPECT_EQ(get(port(), "/api/services", {{"If-None-Match", "\"other\""}}).status, 200);

  ASSERT_EQ(patch(slug, {{"description", "now with hot stones"}}).status, 200);
  auto changed = get(port(), "/api/services", {{"If-None-Match", *etag}});
  ASSERT_EQ(changed.status, 200);
  EXPECT_NE(changed.header("ETag").value_or(""), *etag);
  EXPECT_EQ(get(port(), "/api/services", {{"If-None-Match", changed.header("ETag").value_or("")}}).status, 304);
}

TEST_F(Services, AdminRoutesNeedTheAdminKey) {
  const std::string slug = unique_slug("auth");
  ASSERT_EQ(create(service(slug)).status, 201);
  const std::vector<std::pair<std::string, std::string>> routes = {{"GET", "/api/admin/services"},
                                                                   {"GET", "/api/admin/services/" + slug},
                                                                   {"POST", "/api/admin/services"},
                                                                   {"PATCH", "/api/admin/services/" + slug},
                                                                   {"DELETE", "/api/admin/services/" + slug}};
  for (const auto& [method, path] : routes) {
    const json body = method == "POST" ? service(unique_slug("auth")) : method == "PATCH" ? json::object() : json();
    EXPECT_EQ(send(port(), method, path, body, {}).status, 401) << method << " " << path;
    EXPECT_EQ(send(port(), method, path, body, {{"X-API-Key", "wrong"}}).status, 403) << method << " " << path;
  }
  EXPECT_EQ(get(port(), "/api/admin/services/" + slug, {admin()}).status, 200);

  Keel unconfigured(Env{{"KEEL_DB_URL", db_->url}});
  auto r = get(unconfigured.port(), "/api/admin/services", {admin()});
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.json()["detail"], "admin access not configured");
  EXPECT_EQ(get(unconfigured.port(), "/api/services").status, 200) << "the public list needs no key";
}

TEST_F(Services, TheLargestValidServiceIsAccepted) {
  json body = service(unique_slug("big"));
  json durations = json::array();
  for (int d = 30; d <= 30 * 48; d += 30) durations.push_back(d);
  body["durations"] = durations;
  for (const char* d : {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}) {
    json intervals = json::array();
    for (int h = 0; h < 24; ++h) {
      char open[6], close[6];
      std::snprintf(open, sizeof open, "%02d:00", h);
      std::snprintf(close, sizeof close, "%02d:30", h);
      intervals.push_back({open, close});
    }
    body["opening_hours"][d] = intervals;
  }
  json dates = json::array();
  for (int i = 0; i < 366; ++i) {
    char date[11];
    std::snprintf(date, sizeof date, "%04d-%02d-%02d", 2027 + i / 336, i / 28 % 12 + 1, i % 28 + 1);
    dates.push_back(date);
  }
  body["closed_dates"] = dates;
  auto r = create(body);
  ASSERT_EQ(r.status, 201) << r.body.substr(0, 400);
  EXPECT_EQ(r.json()["closed_dates"].size(), 366u);
  EXPECT_EQ(r.json()["durations"].size(), 48u);
  EXPECT_EQ(r.json()["opening_hours"]["sun"].size(), 24u);
}

// The compatibility migration, on a database as an older keel left it: the
// 0001-0005 schema recorded as applied, bookings with free-text services.
namespace {

const std::string kLong80 = "Hot stone massage & aromatherapy: deluxe package for two, 90 mn (Saturdays)!!!!!";

std::string read_text(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// The migration files, by name, from the source tree.
std::vector<std::filesystem::path> migration_files() {
  std::vector<std::filesystem::path> out;
  for (const auto& e : std::filesystem::directory_iterator(std::string(KEEL_SOURCE_DIR) + "/migrations"))
    if (e.path().extension() == ".sql") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::string sql_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// Runs SQL as utf8mb4 (the client's own default depends on the locale).
std::string run_sql(const TestDatabase& db, const std::string& statements) {
  auto [rc, out] = db.sql("SET NAMES utf8mb4;\n" + statements);
  if (rc != 0) throw std::runtime_error("sql failed: " + out);
  return out;
}

// Every row of both tables, every column.
std::string snapshot(const TestDatabase& db) {
  return run_sql(db,
                 "SELECT * FROM services ORDER BY id;"
                 "SELECT id, name, email, phone, service, starts_at, ends_at, duration_minutes, notes, status, "
                 "HEX(manage_token_hash), created_at, updated_at, sequence FROM bookings ORDER BY id;");
}

// The columns of the bookings the migration may not touch.
std::string bookings_but_service(const TestDatabase& db) {
  return run_sql(db,
                 "SELECT id, name, email, phone, starts_at, ends_at, duration_minutes, notes, status, "
                 "HEX(manage_token_hash), created_at, updated_at FROM bookings ORDER BY id;");
}

}  // namespace

TEST(ServicesMigration, FreeTextServicesBecomeEntriesAndEveryBookingKeepsWorking) {
  if (test_db_url().empty()) GTEST_SKIP() << "KEEL_TEST_DB_URL is not set (run through scripts/test)";
  TestDatabase db;
  std::string recorded =
      "CREATE TABLE schema_migrations (version VARCHAR(255) NOT NULL PRIMARY KEY, checksum CHAR(64) NOT NULL, "
      "applied_at DATETIME(3) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;\n";
  std::filesystem::path services_sql;
  for (const auto& f : migration_files()) {
    const std::string name = f.filename().string();
    if (name >= "0006") {
      if (name.rfind("0006_", 0) == 0) services_sql = f;
      continue;
    }
    const std::string text = read_text(f);
    run_sql(db, text);
    recorded += "INSERT INTO schema_migrations VALUES (" + sql_quote(name) + ", " + sql_quote(sha256_hex(text)) +
                ", UTC_TIMESTAMP(3));\n";
  }
  ASSERT_FALSE(services_sql.empty());
  run_sql(db, recorded);

  // Old bookings: (service, how many). Strings equal under the table's
  // collation ("massage", "Massage ", "MASSAGE") are one service.
  const std::vector<std::pair<std::string, int>> old = {
      {"massage", 2}, {"Massage ", 1}, {"Ölmassage", 1}, {"a b", 1},    {"a-b", 1},     {"a_b", 1},
      {"!!!", 1},     {kLong80, 1},    {"MASSAGE", 1},   {" Yoga ", 1}, {"service", 1},
  };
  std::string inserts;
  int n = 0;
  for (const auto& [service, count] : old)
    for (int i = 0; i < count; ++i, ++n) {
      char when[32];
      std::snprintf(when, sizeof when, "2031-01-%02d 10:00:00", n + 1);
      inserts +=
          "INSERT INTO bookings (name, email, service, starts_at, ends_at, duration_minutes, status, "
          "manage_token_hash, created_at, updated_at) VALUES ('Ann', 'ann@example.com', " +
          sql_quote(service) + ", '" + when + "', '" + when + "' + INTERVAL 45 MINUTE, 45, 'confirmed', " +
          "UNHEX(SHA2('" + std::to_string(n) + "', 256)), '2030-01-01 00:00:00.123', '2030-06-01 00:00:00.456');\n";
    }
  run_sql(db, inserts);
  const std::string kept = bookings_but_service(db);

  auto [code, out] = Keel::run({"migrate"}, {{"KEEL_DB_URL", db.url}});
  ASSERT_EQ(code, 0) << out;
  EXPECT_NE(out.find("0006_services.sql"), std::string::npos) << out;
  EXPECT_EQ(out.find("0001_bookings.sql"), std::string::npos) << "0001-0005 were applied already: " << out;

  // One entry per distinct string, in order of first booking.
  const std::string all_day = R"(["00:00","24:00"])";
  std::string week = "{";
  for (const char* d : {"mon", "tue", "wed", "thu", "fri", "sat", "sun"})
    week += std::string(week.size() > 1 ? "," : "") + "\"" + d + "\":[" + all_day + "]";
  week += "}";
  std::string every15 = "[";
  for (int m = 15; m <= 480; m += 15) every15 += (m > 15 ? "," : "") + std::to_string(m);
  every15 += "]";
  const std::string long_slug = "hot-stone-massage-aromatherapy-deluxe-package-for-two-90-mn";
  ASSERT_EQ(long_slug.size(), 59u);
  EXPECT_EQ(run_sql(db, "SELECT slug, name, legacy_name FROM services ORDER BY id"),
            "massage\tmassage\tmassage\n"
            "lmassage\tÖlmassage\tÖlmassage\n"
            "a-b-2\ta b\ta b\n"
            "a-b\ta-b\ta-b\n"
            "a-b-3\ta_b\ta_b\n"
            "service-2\t!!!\t!!!\n" +
                long_slug + "\t" + kLong80 + "\t" + kLong80 +
                "\n"
                "yoga\tYoga\t Yoga \n"
                "service\tservice\tservice\n");
  EXPECT_EQ(
      run_sql(db, "SELECT COUNT(*) FROM services WHERE durations = " + sql_quote(every15) +
                      " AND opening_hours = " + sql_quote(week) +
                      " AND closed_dates = '[]' AND active = 1 AND buffer_before_min = 0 AND buffer_after_min = 0 "
                      "AND slot_step_min = 15 AND description = '' AND bookings_version = 0"),
      "9\n");

  // Every booking kept, each naming its entry by slug.
  EXPECT_EQ(bookings_but_service(db), kept);
  EXPECT_EQ(
      run_sql(db, "SELECT service FROM bookings ORDER BY id"),
      "massage\nmassage\nmassage\nlmassage\na-b-2\na-b\na-b-3\nservice-2\n" + long_slug + "\nmassage\nyoga\nservice\n");
  EXPECT_EQ(run_sql(db, "SELECT COUNT(*) FROM bookings WHERE sequence = 0"), "12\n");

  // Rerunning the file (a half-applied migration is rerun whole) changes nothing.
  const std::string before = snapshot(db);
  run_sql(db, read_text(services_sql));
  EXPECT_EQ(snapshot(db), before);

  // Served: the entries are listed, and a booked one cannot be deleted.
  Keel k(Env{{"KEEL_DB_URL", db.url}, {"KEEL_ADMIN_API_KEY", kAdminKey}});
  auto listed = get(k.port(), "/api/services");
  ASSERT_EQ(listed.status, 200) << listed.body;
  json services = listed.json()["services"];
  ASSERT_EQ(services.size(), 9u) << listed.body;
  json oil;
  for (const auto& s : services)
    if (s["slug"] == "lmassage") oil = s;
  ASSERT_FALSE(oil.is_null()) << listed.body;
  EXPECT_EQ(oil["name"], "Ölmassage");
  EXPECT_EQ(oil["durations"].size(), 32u);
  EXPECT_EQ(oil["opening_hours"]["wed"], json::array({json::array({"00:00", "24:00"})}));
  EXPECT_EQ(send(k.port(), "DELETE", "/api/admin/services/massage", nullptr).status, 409);
}

TEST(ServicesMigration, AnEmptyDatabaseGetsAnEmptyCatalogue) {
  if (test_db_url().empty()) GTEST_SKIP() << "KEEL_TEST_DB_URL is not set (run through scripts/test)";
  TestDatabase db;
  auto [code, out] = Keel::run({"migrate"}, {{"KEEL_DB_URL", db.url}});
  ASSERT_EQ(code, 0) << out;
  EXPECT_EQ(run_sql(db, "SELECT COUNT(*) FROM services"), "0\n");
  EXPECT_NE(run_sql(db, "SHOW COLUMNS FROM bookings LIKE 'sequence'"), "");
}
