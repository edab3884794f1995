// Bookings against a real MariaDB: validation, auth matrix, overlaps,
// transitions, listing, injection strings.
#include "e2e/support.hpp"

#include <gtest/gtest.h>

#include <future>
#include <set>

using namespace e2e;
using nlohmann::json;

namespace {

const char* kAdminKey = "admin-secret-key";

class Bookings : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = new TestDatabase();
    keel_ = new Keel(Env{{"KEEL_DB_URL", db_->url}, {"KEEL_AUTO_MIGRATE", "1"}, {"KEEL_ADMIN_API_KEY", kAdminKey}});
  }
  static void TearDownTestSuite() {
    delete keel_;
    delete db_;
  }
  static unsigned port() { return keel_->port(); }

  // A unique catalogue entry per test so slots never collide across tests.
  static std::string service() {
    std::string slug = "svc-" + random_hex(4);
    open_service(*db_, slug);
    return slug;
  }

  static json booking(const std::string& svc, const std::string& starts = "2030-01-10T09:00:00+01:00",
                      int minutes = 60) {
    return {{"name", "Zoë Ångström"},
            {"email", "zoe@example.com"},
            {"service", svc},
            {"starts_at", starts},
            {"duration_minutes", minutes}};
  }
  static HttpResponse post_json(const std::string& path, const json& body,
                                std::vector<std::pair<std::string, std::string>> headers = {}) {
    headers.emplace_back("Content-Type", "application/json");
    auto r = request(port(), {"POST", path, headers, body.dump()});
    if (!r) throw std::runtime_error("no response");
    return *r;
  }
  static HttpResponse patch_json(const std::string& path, const json& body,
                                 std::vector<std::pair<std::string, std::string>> headers) {
    headers.emplace_back("Content-Type", "application/json");
    auto r = request(port(), {"PATCH", path, headers, body.dump()});
    if (!r) throw std::runtime_error("no response");
    return *r;
  }
  static std::pair<std::string, std::string> admin() { return {"X-API-Key", kAdminKey}; }
  static std::pair<std::string, std::string> bearer(const std::string& t) { return {"Authorization", "Bearer " + t}; }

  static TestDatabase* db_;
  static Keel* keel_;
};
TestDatabase* Bookings::db_ = nullptr;
Keel* Bookings::keel_ = nullptr;

}  // namespace

TEST_F(Bookings, CreateReturnsBookingAndTokenInUtc) {
  auto r = post_json("/api/bookings", booking(service()));
  ASSERT_EQ(r.status, 201) << r.body;
  auto j = r.json();
  EXPECT_GT(j["id"].get<long long>(), 0);
  EXPECT_EQ(j["name"], "Zoë Ångström");
  EXPECT_EQ(j["starts_at"], "2030-01-10T08:00:00Z");
  EXPECT_EQ(j["duration_minutes"], 60);
  EXPECT_EQ(j["status"], "pending");
  EXPECT_TRUE(j["phone"].is_null());
  EXPECT_TRUE(j["notes"].is_null());
  EXPECT_TRUE(j["created_at"].is_string());
  EXPECT_TRUE(j["updated_at"].is_string());
  std::string token = j["manage_token"];
  EXPECT_GE(token.size(), 22u);  // >= 128 bits, base64url
  // Stored only as a hash: the token itself is nowhere in the table.
  auto [rc, out] = db_->sql("SELECT COUNT(*) FROM bookings WHERE HEX(manage_token_hash) LIKE '%" + token +
                            "%' OR name = '" + token + "'");
  EXPECT_EQ(rc, 0);
  EXPECT_EQ(out, "0\n");
  // Read back with the token; the token is not shown again.
  auto g = get(port(), "/api/bookings/" + std::to_string(j["id"].get<long long>()), {bearer(token)});
  ASSERT_EQ(g.status, 200);
  EXPECT_EQ(g.json()["name"], "Zoë Ångström");
  EXPECT_FALSE(g.json().contains("manage_token"));
}

TEST_F(Bookings, ValidationTableNamesEachBadField) {
  struct Case {
    const char* field;
    json value;  // null json with remove=true means "missing"
    bool remove;
    const char* type;
  };
  const std::vector<Case> cases = {
      {"name", "", false, "string_too_short"},
      {"name", std::string(121, 'n'), false, "string_too_long"},
      {"name", 5, false, "string_type"},
      {"name", nullptr, true, "missing"},
      {"email", "not-an-email", false, "value_error"},
      {"email", "a@b@example.com", false, "value_error"},
      {"email", "a b@example.com", false, "value_error"},
      {"email", "@example.com", false, "value_error"},
      {"email", "a@localhost", false, "value_error"},
      {"email", std::string(250, 'a') + "@x.io", false, "value_error"},
      {"service", "", false, "string_too_short"},
      {"service", std::string(81, 's'), false, "string_too_long"},
      {"starts_at", "2030-01-10T09:00:00", false, "timezone_aware"},
      {"starts_at", "tomorrow", false, "datetime_parsing"},
      {"starts_at", "2030-02-30T09:00:00Z", false, "datetime_parsing"},
      {"duration_minutes", 4, false, "greater_than_equal"},
      {"duration_minutes", 1441, false, "less_than_equal"},
      {"duration_minutes", "30", false, "int_type"},
      {"duration_minutes", 30.5, false, "int_type"},
      {"notes", std::string(2001, 'x'), false, "string_too_long"},
      {"phone", 12345, false, "string_type"},
      {"surprise", "extra", false, "extra_forbidden"},
  };
  for (const auto& c : cases) {
    json body = booking(service());
    if (c.remove)
      body.erase(c.field);
    else
      body[c.field] = c.value;
    auto r = post_json("/api/bookings", body);
    ASSERT_EQ(r.status, 422) << c.field << " " << c.value.dump() << " -> " << r.body;
    auto d = r.json()["detail"];
    ASSERT_TRUE(d.is_array());
    bool named = false;
    for (const auto& e : d)
      if (e["loc"] == json::array({"body", c.field}) && e["type"] == c.type) named = true;
    EXPECT_TRUE(named) << c.field << " expected type " << c.type << " got " << d.dump();
  }
  // Several bad fields at once: each is named.
  json body = booking(service());
  body["email"] = "nope";
  body["duration_minutes"] = 4;
  auto r = post_json("/api/bookings", body);
  ASSERT_EQ(r.status, 422);
  EXPECT_EQ(r.json()["detail"].size(), 2u);
  // Not an object.
  auto arr = post_json("/api/bookings", json::array({1, 2}));
  EXPECT_EQ(arr.status, 422);
}

TEST_F(Bookings, OptionalFieldsAndEdgeValuesAreAccepted) {
  json body = booking(service(), "2030-03-01T10:00:00.250Z", 15);
  body["phone"] = "+46 70 123 45 67";
  body["notes"] = std::string(2000, 'n');
  auto r = post_json("/api/bookings", body);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["phone"], "+46 70 123 45 67");
  EXPECT_EQ(r.json()["notes"].get<std::string>().size(), 2000u);
  EXPECT_EQ(r.json()["starts_at"], "2030-03-01T10:00:00Z");
  json nulls = booking(service(), "2030-03-01T10:00:00Z", 480);
  nulls["phone"] = nullptr;
  nulls["notes"] = nullptr;
  EXPECT_EQ(post_json("/api/bookings", nulls).status, 201);
}

TEST_F(Bookings, OverlapIs409AndBackToBackIsFine) {
  std::string svc = service();
  ASSERT_EQ(post_json("/api/bookings", booking(svc, "2030-05-01T10:00:00Z", 60)).status, 201);
  auto clash = post_json("/api/bookings", booking(svc, "2030-05-01T10:30:00Z", 60));
  EXPECT_EQ(clash.status, 409);
  EXPECT_EQ(clash.json(), json({{"detail", "slot taken"}}));
  // Same instant written in another offset is the same slot.
  EXPECT_EQ(post_json("/api/bookings", booking(svc, "2030-05-01T12:00:00+02:00", 15)).status, 409);
  // Half-open intervals: ending at 10:00 and starting at 11:00 both fit.
  EXPECT_EQ(post_json("/api/bookings", booking(svc, "2030-05-01T09:00:00Z", 60)).status, 201);
  EXPECT_EQ(post_json("/api/bookings", booking(svc, "2030-05-01T11:00:00Z", 60)).status, 201);
  // Another service is independent.
  EXPECT_EQ(post_json("/api/bookings", booking(service(), "2030-05-01T10:00:00Z", 60)).status, 201);
}

TEST_F(Bookings, CancelledBookingFreesItsSlot) {
  std::string svc = service();
  auto a = post_json("/api/bookings", booking(svc, "2030-06-01T10:00:00Z", 60)).json();
  auto c = post_json("/api/bookings/" + std::to_string(a["id"].get<long long>()) + "/cancel", json::object(),
                     {bearer(a["manage_token"])});
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_EQ(c.json()["status"], "cancelled");
  EXPECT_EQ(post_json("/api/bookings", booking(svc, "2030-06-01T10:00:00Z", 60)).status, 201);
  // Cancelling again is a conflict.
  auto again = post_json("/api/bookings/" + std::to_string(a["id"].get<long long>()) + "/cancel", json::object(),
                         {bearer(a["manage_token"])});
  EXPECT_EQ(again.status, 409);
}

TEST_F(Bookings, TwentyConcurrentRequestsForOneSlotYieldExactlyOne201) {
  std::string svc = "svc-" + random_hex(4);
  open_service(*db_, svc, 1);  // every minute on the grid
  std::vector<std::future<int>> all;
  for (int i = 0; i < 20; ++i)
    all.push_back(std::async(std::launch::async, [&, i] {
      // Slightly different but overlapping intervals.
      std::string start = "2030-07-01T10:" + std::string(i < 10 ? "0" : "") + std::to_string(i) + ":00Z";
      return post_json("/api/bookings", booking(svc, start, 60)).status;
    }));
  int created = 0, conflicts = 0, other = 0;
  for (auto& f : all) {
    int s = f.get();
    if (s == 201)
      ++created;
    else if (s == 409)
      ++conflicts;
    else
      ++other;
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(conflicts, 19);
  EXPECT_EQ(other, 0);
}

TEST_F(Bookings, AuthMatrixOnBookingRoutes) {
  auto a = post_json("/api/bookings", booking(service())).json();
  auto b = post_json("/api/bookings", booking(service())).json();
  std::string path = "/api/bookings/" + std::to_string(a["id"].get<long long>());
  auto none = get(port(), path);
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.header("WWW-Authenticate").value_or(""), "Bearer");
  EXPECT_EQ(get(port(), path, {bearer(b["manage_token"])}).status, 404);  // another booking's token
  EXPECT_EQ(get(port(), path, {bearer("made-up-token")}).status, 404);
  EXPECT_EQ(get(port(), path, {{"X-API-Key", "wrong-key"}}).status, 404);  // a wrong admin key
  EXPECT_EQ(get(port(), path, {bearer(a["manage_token"])}).status, 200);
  EXPECT_EQ(get(port(), path, {admin()}).status, 200);
  EXPECT_EQ(get(port(), path, {bearer(kAdminKey)}).status, 200);
  EXPECT_EQ(get(port(), "/api/bookings/999999999", {admin()}).status, 404);
  EXPECT_EQ(get(port(), "/api/bookings/abc", {admin()}).status, 422);
  // Cancel with another booking's token changes nothing.
  auto c = post_json(path + "/cancel", json::object(), {bearer(b["manage_token"])});
  EXPECT_EQ(c.status, 404);
  EXPECT_EQ(get(port(), path, {admin()}).json()["status"], "pending");
}

TEST_F(Bookings, AdminAuthComesBeforeValidation) {
  EXPECT_EQ(get(port(), "/api/admin/bookings?limit=9999").status, 401);
  EXPECT_EQ(get(port(), "/api/admin/bookings?limit=9999", {{"X-API-Key", "wrong"}}).status, 403);
  EXPECT_EQ(get(port(), "/api/admin/bookings?limit=9999", {admin()}).status, 422);
  auto p = patch_json("/api/admin/bookings/abc", {{"status", "nonsense"}}, {});
  EXPECT_EQ(p.status, 401);
  EXPECT_EQ(patch_json("/api/admin/bookings/1", {{"status", "nonsense"}}, {{"X-API-Key", "nope"}}).status, 403);
}

TEST_F(Bookings, AdminRoutesAnswer503WhenNoKeyIsConfigured) {
  Keel k(Env{{"KEEL_DB_URL", db_->url}, {"KEEL_ADMIN_API_KEY", ""}});
  auto r = get(k.port(), "/api/admin/bookings", {{"X-API-Key", "anything"}});
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.json(), json({{"detail", "admin access not configured"}}));
}

TEST_F(Bookings, StatusTransitionsFollowTheRules) {
  auto make = [&] {
    return std::to_string(post_json("/api/bookings", booking(service())).json()["id"].get<long long>());
  };
  auto patch = [&](const std::string& id, const char* to) {
    return patch_json("/api/admin/bookings/" + id, {{"status", to}}, {admin()}).status;
  };
  std::string a = make();
  EXPECT_EQ(patch(a, "completed"), 409);  // pending -> completed skips a step
  EXPECT_EQ(patch(a, "confirmed"), 200);
  EXPECT_EQ(patch(a, "pending"), 409);
  EXPECT_EQ(patch(a, "completed"), 200);
  EXPECT_EQ(patch(a, "cancelled"), 409);  // completed is final
  auto cancel_completed = post_json("/api/bookings/" + a + "/cancel", json::object(), {admin()});
  EXPECT_EQ(cancel_completed.status, 409);
  std::string b = make();
  EXPECT_EQ(patch(b, "cancelled"), 200);
  EXPECT_EQ(patch(b, "confirmed"), 409);
  std::string c = make();
  EXPECT_EQ(patch(c, "confirmed"), 200);
  EXPECT_EQ(patch(c, "cancelled"), 200);
  EXPECT_EQ(patch_json("/api/admin/bookings/999999999", {{"status", "confirmed"}}, {admin()}).status, 404);
  auto bad = patch_json("/api/admin/bookings/" + c, {{"status", "archived"}}, {admin()});
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(bad.json()["detail"][0]["loc"], json::array({"body", "status"}));
}

TEST_F(Bookings, AdminListFiltersAndPaginates) {
  std::string svc = service();
  for (int day = 1; day <= 5; ++day)
    ASSERT_EQ(post_json("/api/bookings", booking(svc, "2031-01-0" + std::to_string(day) + "T10:00:00Z", 30)).status,
              201);
  auto all = get(port(), "/api/admin/bookings?service=" + svc, {admin()});
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_EQ(all.json()["total"], 5);
  ASSERT_EQ(all.json()["items"].size(), 5u);
  EXPECT_EQ(all.json()["items"][0]["starts_at"], "2031-01-01T10:00:00Z");
  EXPECT_EQ(all.json()["items"][4]["starts_at"], "2031-01-05T10:00:00Z");
  // from inclusive, to exclusive.
  auto range =
      get(port(), "/api/admin/bookings?service=" + svc + "&from=2031-01-02&to=2031-01-04T10:00:00Z", {admin()});
  EXPECT_EQ(range.json()["total"], 2);
  auto page = get(port(), "/api/admin/bookings?service=" + svc + "&limit=2&offset=2", {admin()});
  EXPECT_EQ(page.json()["total"], 5);
  ASSERT_EQ(page.json()["items"].size(), 2u);
  EXPECT_EQ(page.json()["items"][0]["starts_at"], "2031-01-03T10:00:00Z");
  auto pending = get(port(), "/api/admin/bookings?status=cancelled&service=" + svc, {admin()});
  EXPECT_EQ(pending.json()["total"], 0);
  for (const char* bad :
       {"status=archived", "from=yesterday", "to=2031-13-01", "offset=-1", "limit=0", "limit=501", "limit=ten"}) {
    auto r = get(port(), std::string("/api/admin/bookings?") + bad, {admin()});
    EXPECT_EQ(r.status, 422) << bad;
    EXPECT_EQ(r.json()["detail"][0]["loc"][0], "query") << bad;
  }
}

TEST_F(Bookings, InjectionStringsAreStoredVerbatim) {
  const std::vector<std::string> nasty = {
      "Robert'); DROP TABLE bookings;--", "\" OR 1=1 --", "x' UNION SELECT 1,2,3 -- ",
      "\\'; SELECT SLEEP(5); --",         "%_%",          "😀 <script>alert(1)</script>"};
  for (const auto& s : nasty) {
    json b = booking(service());
    b["name"] = s;
    b["notes"] = s;
    auto r = post_json("/api/bookings", b);
    ASSERT_EQ(r.status, 201) << s;
    auto g = get(port(), "/api/bookings/" + std::to_string(r.json()["id"].get<long long>()), {admin()});
    EXPECT_EQ(g.json()["name"], s);
    EXPECT_EQ(g.json()["notes"], s);
  }
  auto list = get(port(), "/api/admin/bookings?service=%27%20OR%20%271%27%3D%271", {admin()});
  EXPECT_EQ(list.status, 200);
  EXPECT_EQ(list.json()["total"], 0);
  EXPECT_EQ(get(port(), "/api/health").status, 200);
}

TEST_F(Bookings, HealthReportsDbOk) {
  auto r = get(port(), "/api/health");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["db"], "ok");
  auto m = get(port(), "/api/health/memory").json();
  ASSERT_TRUE(m.contains("db_pool"));
  for (const char* k :
       {"size", "max_overflow", "checked_out", "overflow_in_use", "waiting", "timeouts_total", "reconnects_total"})
    EXPECT_TRUE(m["db_pool"].contains(k)) << k;
  EXPECT_EQ(m["db_pool"]["size"], 2);
  EXPECT_EQ(m["db_pool"]["max_overflow"], 2);
}
