// Bookings a frontend can drive, against a real MariaDB and the real binary:
// the catalogue's rules on create (each 422), buffers in the overlap rule,
// availability (slots, zones, ETag), reschedule (incl. a race onto one
// slot) and the calendar file (parsed by Python's icalendar when present).
#include "e2e/support.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <future>

using namespace e2e;
using nlohmann::json;

namespace {

const char* kAdminKey = "domain-admin-key";
const char* kZone = "Europe/Berlin";

std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class BookingDomain : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (test_db_url().empty()) return;
    db_ = new TestDatabase();
    keel_ = new Keel(Env{{"KEEL_DB_URL", db_->url},
                         {"KEEL_AUTO_MIGRATE", "1"},
                         {"KEEL_ADMIN_API_KEY", kAdminKey},
                         {"KEEL_BUSINESS_TZ", kZone},
                         {"KEEL_BOOKING_HORIZON_DAYS", "90"}});
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
  static std::pair<std::string, std::string> admin() { return {"X-API-Key", kAdminKey}; }
  static std::pair<std::string, std::string> bearer(const std::string& t) { return {"Authorization", "Bearer " + t}; }

  static HttpResponse send(const std::string& method, const std::string& path, const json& body,
                           std::vector<std::pair<std::string, std::string>> headers = {}) {
    headers.emplace_back("Content-Type", "application/json");
    auto r = request(port(), {method, path, headers, body.dump()});
    if (!r) throw std::runtime_error("no response");
    return *r;
  }

  // A service open Monday to Saturday 09:00-17:00 (Berlin), 30 or 60
  // minutes, a 15-minute buffer after each booking, a 30-minute grid,
  // closed on `closed` (YYYY-MM-DD).
  static std::string make_service(const std::string& name, const std::string& closed) {
    const std::string slug = "svc-" + random_hex(4);
    json hours = json::object();
    for (const char* d : {"mon", "tue", "wed", "thu", "fri", "sat"}) hours[d] = json::array({json::array({"09:00", "17:00"})});
    hours["sun"] = json::array();
    json body = {{"slug", slug},
                 {"name", name},
                 {"description", "for the booking-domain tests"},
                 {"durations", {30, 60}},
                 {"buffer_before_min", 0},
                 {"buffer_after_min", 15},
                 {"slot_step_min", 30},
                 {"active", true},
                 {"opening_hours", hours},
                 {"closed_dates", json::array({closed})}};
    auto r = send("POST", "/api/admin/services", body, {admin()});
    if (r.status != 201) throw std::runtime_error("service not created: " + r.body);
    return slug;
  }

  // Business-local dates as days since 1970-01-01 and wall times in
  // Europe/Berlin, through the C library with TZ set (this process only).
  static void use_berlin() {
    static bool set = [] {
      ::setenv("TZ", kZone, 1);
      ::tzset();
      return true;
    }();
    (void)set;
  }
  static std::tm civil(std::int32_t day) {
    std::time_t t = static_cast<std::time_t>(day) * 86400;
    std::tm tm{};
    gmtime_r(&t, &tm);
    return tm;
  }
  static int weekday(std::int32_t day) { return (civil(day).tm_wday + 6) % 7; }  // Monday = 0
  // The Berlin date `days` from today, moved on to a Monday..Friday.
  static std::int32_t weekday_in(int days) {
    use_berlin();
    std::time_t now = static_cast<std::time_t>(now_s());
    std::tm local{};
    localtime_r(&now, &local);
    std::int32_t d = static_cast<std::int32_t>((now + local.tm_gmtoff) / 86400) + days;
    while (weekday(d) > 4) ++d;
    return d;
  }
  static std::string date_of(std::int32_t day) {
    std::tm tm = civil(day);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
  }
  // Berlin wall time on `day` at hh:mm as an ISO string with its offset.
  static std::string at(std::int32_t day, int hh, int mm) {
    use_berlin();
    std::tm tm = civil(day);
    tm.tm_hour = hh;
    tm.tm_min = mm;
    tm.tm_sec = 0;
    tm.tm_isdst = -1;
    std::time_t utc = std::mktime(&tm);
    std::tm back{};
    localtime_r(&utc, &back);
    const long off = back.tm_gmtoff;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%sT%02d:%02d:00%c%02ld:%02ld", date_of(day).c_str(), hh, mm, off < 0 ? '-' : '+',
                  std::labs(off) / 3600, std::labs(off) % 3600 / 60);
    return buf;
  }
  static json booking(const std::string& svc, const std::string& starts, int minutes = 60,
                      const std::string& name = "Zoë Ångström") {
    return {{"name", name}, {"email", "zoe@example.com"}, {"service", svc}, {"starts_at", starts},
            {"duration_minutes", minutes}};
  }
  static json create_ok(const json& body) {
    auto r = send("POST", "/api/bookings", body);
    if (r.status != 201) throw std::runtime_error("create: " + std::to_string(r.status) + " " + r.body);
    return r.json();
  }
  static bool has_issue(const HttpResponse& r, const std::string& field, const std::string& type) {
    if (r.status != 422) return false;
    const json body = r.json();
    for (const auto& e : body["detail"])
      if (e["loc"] == json::array({"body", field}) && e["type"] == type && e["msg"].is_string() &&
          !e["msg"].get<std::string>().empty())
        return true;
    return false;
  }

  static TestDatabase* db_;
  static Keel* keel_;
};
TestDatabase* BookingDomain::db_ = nullptr;
Keel* BookingDomain::keel_ = nullptr;

}  // namespace

TEST_F(BookingDomain, EveryRuleOfTheRequestIsA422NamingItsField) {
  const std::int32_t day = weekday_in(7);
  const std::string svc = make_service("Massage", date_of(day + 1));
  const std::string inactive = make_service("Old thing", "2020-01-01");
  ASSERT_EQ(send("PATCH", "/api/admin/services/" + inactive, {{"active", false}}, {admin()}).status, 200);
  std::int32_t sunday = day;
  while (weekday(sunday) != 6) ++sunday;
  const std::int32_t yesterday = weekday_in(0) - 1;
  struct Case {
    json body;
    const char* field;
    const char* type;
  } cases[] = {
      {booking("no-such-service", at(day, 10, 0)), "service", "unknown_service"},
      {booking(inactive, at(day, 10, 0)), "service", "inactive_service"},
      {booking(svc, at(day, 10, 0), 45), "duration_minutes", "duration_not_allowed"},
      {booking(svc, at(yesterday, 10, 0)), "starts_at", "in_the_past"},
      {booking(svc, at(weekday_in(100), 10, 0)), "starts_at", "beyond_horizon"},
      {booking(svc, at(day + 1, 10, 0)), "starts_at", "closed_date"},
      {booking(svc, at(day, 18, 0)), "starts_at", "outside_opening_hours"},
      {booking(svc, at(day, 16, 30)), "starts_at", "outside_opening_hours"},  // ends 17:30
      {booking(svc, at(sunday, 10, 0)), "starts_at", "outside_opening_hours"},
      {booking(svc, at(day, 10, 15)), "starts_at", "off_slot_grid"},
  };
  for (const auto& c : cases) {
    auto r = send("POST", "/api/bookings", c.body);
    EXPECT_TRUE(has_issue(r, c.field, c.type)) << c.body.dump() << " -> " << r.status << " " << r.body;
  }
  // The edges that are allowed: the opening minute and a booking ending at closing time.
  EXPECT_EQ(send("POST", "/api/bookings", booking(svc, at(day, 9, 0))).status, 201);
  EXPECT_EQ(send("POST", "/api/bookings", booking(svc, at(day, 16, 0))).status, 201);
}

TEST_F(BookingDomain, AnswersNameTheServiceBySlugAndName) {
  const std::int32_t day = weekday_in(8);
  const std::string svc = make_service("Deep tissue, 60′", "2020-01-01");
  json b = create_ok(booking(svc, at(day, 11, 0)));
  EXPECT_EQ(b["service"], svc);
  EXPECT_EQ(b["service_name"], "Deep tissue, 60′");
  auto got = get(port(), "/api/bookings/" + std::to_string(b["id"].get<long long>()), {bearer(b["manage_token"])});
  EXPECT_EQ(got.json()["service_name"], "Deep tissue, 60′");
}

TEST_F(BookingDomain, BuffersAreInTheOverlapRule) {
  const std::int32_t day = weekday_in(9);
  const std::string svc = make_service("Buffered", "2020-01-01");
  create_ok(booking(svc, at(day, 10, 0)));  // occupies 10:00-11:15
  // 11:00 starts inside the buffer; 09:00 for 60 minutes ends 10:00 but its
  // own buffer reaches 10:15; 09:00 for 30 minutes (to 09:45) and 11:30 fit.
  EXPECT_EQ(send("POST", "/api/bookings", booking(svc, at(day, 11, 0), 30)).status, 409);
  EXPECT_EQ(send("POST", "/api/bookings", booking(svc, at(day, 9, 0), 60)).status, 409);
  EXPECT_EQ(send("POST", "/api/bookings", booking(svc, at(day, 9, 0), 30)).status, 201);
  EXPECT_EQ(send("POST", "/api/bookings", booking(svc, at(day, 11, 30), 30)).status, 201);
}

TEST_F(BookingDomain, AvailabilityIsTheGridMinusBookingsWithBuffersInTheAskedZone) {
  const std::int32_t day = weekday_in(10);
  const std::string svc = make_service("Slots", date_of(day + 1));
  const std::string q = "/api/availability?service=" + svc + "&from=" + date_of(day) + "&to=" + date_of(day + 1);
  auto r = get(port(), q + "&duration=60");
  ASSERT_EQ(r.status, 200) << r.body;
  json j = r.json();
  EXPECT_EQ(j["service"], svc);
  EXPECT_EQ(j["tz"], kZone);
  EXPECT_EQ(j["duration"], 60);
  std::vector<std::string> want;
  for (int m = 9 * 60; m + 60 <= 17 * 60; m += 30) want.push_back(at(day, m / 60, m % 60));
  EXPECT_EQ(j["slots"].get<std::vector<std::string>>(), want);  // the next day is closed
  EXPECT_EQ(r.header("Cache-Control").value_or(""), "no-cache");
  const std::string etag = r.header("ETag").value_or("");
  ASSERT_FALSE(etag.empty());
  EXPECT_EQ(get(port(), q + "&duration=60", {{"If-None-Match", etag}}).status, 304);

  // A 60-minute booking at 12:00 occupies 12:00-13:15: a 60-minute slot
  // from 11:00 would end at 12:15 (its own buffer reaching 12:15 > 12:00),
  // so 11:00 .. 13:00 are gone and 13:30 is the next.
  create_ok(booking(svc, at(day, 12, 0)));
  auto after = get(port(), q + "&duration=60", {{"If-None-Match", etag}});
  ASSERT_EQ(after.status, 200);
  EXPECT_NE(after.header("ETag").value_or(""), etag);
  std::vector<std::string> left;
  for (int m = 9 * 60; m + 60 <= 17 * 60; m += 30)
    if (m + 60 + 15 <= 12 * 60 || m >= 13 * 60 + 15) left.push_back(at(day, m / 60, m % 60));
  EXPECT_EQ(after.json()["slots"].get<std::vector<std::string>>(), left);

  // The same instants in New York's offset; the shortest duration by default.
  auto ny = get(port(), "/api/availability?service=" + svc + "&from=" + date_of(day) + "&to=" + date_of(day) +
                            "&tz=America/New_York");
  ASSERT_EQ(ny.status, 200) << ny.body;
  const json ny_body = ny.json();
  EXPECT_EQ(ny_body["duration"], 30);
  for (const auto& s : ny_body["slots"]) {
    const std::string t = s;
    EXPECT_TRUE(t.ends_with("-05:00") || t.ends_with("-04:00")) << t;
  }

  // Bad questions.
  for (const std::string& bad :
       {"/api/availability?service=" + svc + "&from=" + date_of(day) + "&to=" + date_of(day + 31),
        "/api/availability?service=" + svc + "&from=" + date_of(day) + "&to=" + date_of(day) + "&tz=Mars/Base",
        "/api/availability?service=" + svc + "&from=" + date_of(day) + "&to=" + date_of(day) + "&duration=45",
        "/api/availability?service=nope&from=" + date_of(day) + "&to=" + date_of(day),
        "/api/availability?service=" + svc + "&from=tomorrow&to=" + date_of(day),
        "/api/availability?service=" + svc + "&from=" + date_of(day + 1) + "&to=" + date_of(day)}) {
    EXPECT_EQ(get(port(), bad).status, 422) << bad;
  }
}

TEST_F(BookingDomain, RescheduleMovesAtomicallyAndKeepsTheRules) {
  const std::int32_t day = weekday_in(11);
  const std::string svc = make_service("Movable", "2020-01-01");
  json a = create_ok(booking(svc, at(day, 10, 0)));
  json other = create_ok(booking(svc, at(day, 14, 0)));
  const std::string path = "/api/bookings/" + std::to_string(a["id"].get<long long>());
  const auto tok = bearer(a["manage_token"]);

  auto moved = send("POST", path + "/reschedule", {{"starts_at", at(day, 15, 30)}, {"duration_minutes", 30}}, {tok});
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(moved.json()["duration_minutes"], 30);
  EXPECT_EQ(moved.json()["status"], "pending");
  // The old slot is free again: another booking can take 10:00.
  EXPECT_EQ(send("POST", "/api/bookings", booking(svc, at(day, 10, 0))).status, 201);
  // Onto a taken slot (14:00-15:15 occupied): 409, nothing changes.
  auto clash = send("POST", path + "/reschedule", {{"starts_at", at(day, 14, 30)}}, {tok});
  EXPECT_EQ(clash.status, 409) << clash.body;
  EXPECT_EQ(get(port(), path, {tok}).json()["starts_at"], moved.json()["starts_at"]);
  // The request's own rules.
  EXPECT_TRUE(has_issue(send("POST", path + "/reschedule", {{"starts_at", at(day, 15, 45)}}, {tok}), "starts_at",
                        "off_slot_grid"));
  EXPECT_TRUE(has_issue(send("POST", path + "/reschedule", {{"starts_at", at(day, 12, 0)}, {"duration_minutes", 45}},
                             {tok}),
                        "duration_minutes", "duration_not_allowed"));
  EXPECT_EQ(send("POST", path + "/reschedule", {{"starts_at", "soon"}}, {tok}).status, 422);
  // Another booking's token cannot move it; no token: 401.
  EXPECT_EQ(send("POST", path + "/reschedule", {{"starts_at", at(day, 12, 0)}}, {bearer(other["manage_token"])}).status,
            404);
  EXPECT_EQ(send("POST", path + "/reschedule", {{"starts_at", at(day, 12, 0)}}).status, 401);
  // Cancelled: 409.
  ASSERT_EQ(send("POST", path + "/cancel", json::object(), {tok}).status, 200);
  EXPECT_EQ(send("POST", path + "/reschedule", {{"starts_at", at(day, 12, 0)}}, {tok}).status, 409);
}

TEST_F(BookingDomain, TwentyConcurrentReschedulesOntoOneSlotOneWins) {
  const std::int32_t day = weekday_in(12);
  const std::string svc = make_service("Raced", "2020-01-01");
  // Five bookings on each of four weekdays, 90 minutes apart.
  std::vector<json> made;
  std::int32_t d = day;
  for (int i = 0; i < 20; ++i) {
    if (i > 0 && i % 5 == 0) {
      ++d;
      while (weekday(d) > 4) ++d;
    }
    const int minute = 9 * 60 + (i % 5) * 90;
    made.push_back(create_ok(booking(svc, at(d, minute / 60, minute % 60), 30)));
  }
  const std::int32_t target_day = weekday_in(20);
  const std::string target = at(target_day, 10, 0);
  std::vector<std::future<int>> tries;
  for (const auto& b : made) {
    tries.push_back(std::async(std::launch::async, [&b, &target] {
      return send("POST", "/api/bookings/" + std::to_string(b["id"].get<long long>()) + "/reschedule",
                  {{"starts_at", target}}, {bearer(b["manage_token"])})
          .status;
    }));
  }
  int ok = 0, taken = 0;
  for (auto& t : tries) {
    int s = t.get();
    ok += s == 200;
    taken += s == 409;
  }
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(taken, 19);
  // Exactly one booking sits on the target day now.
  auto list = get(port(), "/api/admin/bookings?service=" + svc + "&from=" + date_of(target_day) + "&to=" +
                              date_of(target_day + 1), {admin()});
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.json()["total"], 1);
}

TEST_F(BookingDomain, CalendarFileIsRfc5545WithStableUidAndGrowingSequence) {
  const std::int32_t day = weekday_in(13);
  const std::string name = "Ölmassage, deep; \\ with a name long enough that its SUMMARY line must be folded — ünïcödé";
  const std::string svc = make_service(name, "2020-01-01");
  json b = create_ok(booking(svc, at(day, 10, 0)));
  const std::string path = "/api/bookings/" + std::to_string(b["id"].get<long long>());
  const auto tok = bearer(b["manage_token"]);

  auto ics = get(port(), path + "/calendar.ics", {tok});
  ASSERT_EQ(ics.status, 200) << ics.body;
  EXPECT_EQ(ics.header("Content-Type").value_or(""), "text/calendar; charset=utf-8");
  // Strict line checks: CRLF only, at most 75 octets, continuation lines start with a space.
  std::size_t at_ = 0;
  while (at_ < ics.body.size()) {
    auto crlf = ics.body.find("\r\n", at_);
    ASSERT_NE(crlf, std::string::npos);
    EXPECT_LE(crlf - at_, 75u);
    EXPECT_EQ(ics.body.substr(at_, crlf - at_).find('\n'), std::string::npos);
    at_ = crlf + 2;
  }
  const std::string uid = "UID:booking-" + std::to_string(b["id"].get<long long>()) + "@keel";
  EXPECT_NE(ics.body.find(uid + "\r\n"), std::string::npos);
  EXPECT_NE(ics.body.find("STATUS:TENTATIVE\r\n"), std::string::npos);
  EXPECT_NE(ics.body.find("SEQUENCE:0\r\n"), std::string::npos);
  EXPECT_NE(ics.body.find("METHOD:PUBLISH\r\n"), std::string::npos);

  ASSERT_EQ(send("POST", path + "/reschedule", {{"starts_at", at(day, 11, 0)}}, {tok}).status, 200);
  auto moved = get(port(), path + "/calendar.ics", {tok});
  EXPECT_NE(moved.body.find("SEQUENCE:1\r\n"), std::string::npos);
  EXPECT_NE(moved.body.find(uid + "\r\n"), std::string::npos);
  ASSERT_EQ(send("POST", path + "/cancel", json::object(), {tok}).status, 200);
  auto cancelled = get(port(), path + "/calendar.ics", {tok});
  EXPECT_NE(cancelled.body.find("SEQUENCE:2\r\n"), std::string::npos);
  EXPECT_NE(cancelled.body.find("STATUS:CANCELLED\r\n"), std::string::npos);

  // A real parser reads it back: the summary unescaped, the times in UTC.
  if (sh("/usr/bin/python3 -c 'import icalendar'").first != 0) GTEST_SKIP() << "python3-icalendar missing";
  TempDir dir;
  const std::string file = dir.path + "/b.ics";
  std::ofstream(file, std::ios::binary) << cancelled.body;
  auto [rc, out] = sh("/usr/bin/python3 -c \"import icalendar,sys; c=icalendar.Calendar.from_ical(open('" + file +
                      "','rb').read()); e=[x for x in c.walk('VEVENT')][0]; sys.stdout.write(str(e['SUMMARY']) + "
                      "'|' + e['DTSTART'].dt.isoformat() + '|' + str(e['STATUS']) + '|' + str(e['SEQUENCE']))\"");
  ASSERT_EQ(rc, 0) << out;
  EXPECT_EQ(out.substr(0, name.size()), name);
  EXPECT_NE(out.find("|CANCELLED|2"), std::string::npos) << out;
  EXPECT_NE(out.find("+00:00|"), std::string::npos) << out;

  // Without a token: 401; admin: 200.
  EXPECT_EQ(get(port(), path + "/calendar.ics").status, 401);
  EXPECT_EQ(get(port(), path + "/calendar.ics", {admin()}).status, 200);
}
