// Idempotency-Key on booking mutations against a real MariaDB: replays,
// mismatches, concurrent requests, two keel processes on one database, what
// the table holds, expiry, take-over of a dead run, and what is not stored.
// Each test has its own database and keel: several rewrite the table.
#include "e2e/support.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

using namespace e2e;
using nlohmann::json;

namespace {

const char* kAdminKey = "admin-secret-key";
using Headers = std::vector<std::pair<std::string, std::string>>;

class Idempotency : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::make_unique<TestDatabase>();
    keel_ = std::make_unique<Keel>(env());
    for (const char* svc : {"massage", "yoga"}) open_service(*db_, svc);
  }
  Env env() const { return {{"KEEL_DB_URL", db_->url}, {"KEEL_AUTO_MIGRATE", "1"}, {"KEEL_ADMIN_API_KEY", kAdminKey}}; }
  unsigned port() const { return keel_->port(); }

  static json booking(const std::string& svc, const std::string& starts = "2030-01-10T09:00:00Z") {
    return {{"name", "Zoë"},
            {"email", "zoe@example.com"},
            {"service", svc},
            {"starts_at", starts},
            {"duration_minutes", 60}};
  }
  static HttpResponse post(unsigned port, const std::string& path, const std::string& body, Headers headers) {
    headers.emplace_back("Content-Type", "application/json");
    auto r = request(port, {"POST", path, headers, body});
    if (!r) throw std::runtime_error("no response");
    return *r;
  }
  HttpResponse post(const std::string& path, const json& body, Headers headers = {}) const {
    return post(port(), path, body.dump(), std::move(headers));
  }
  static std::pair<std::string, std::string> key(const std::string& k) { return {"Idempotency-Key", k}; }
  static std::pair<std::string, std::string> admin() { return {"X-API-Key", kAdminKey}; }
  static std::pair<std::string, std::string> bearer(const std::string& t) { return {"Authorization", "Bearer " + t}; }
  std::string sql(const std::string& q) const {
    auto [rc, out] = db_->sql(q);
    if (rc != 0) throw std::runtime_error("sql failed: " + out);
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }
  // Waits until a request's run has claimed its key (the row is 'running'),
  // so that a second request surely comes while the first runs.
  void wait_running() const {
    for (int i = 0; i < 200; ++i) {
      if (sql("SELECT COUNT(*) FROM idempotency_keys WHERE state = 'running'") == "1") return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("no request started running");
  }
  static bool replayed(const HttpResponse& r) { return r.header("Idempotent-Replayed").value_or("") == "true"; }

  std::unique_ptr<TestDatabase> db_;
  std::unique_ptr<Keel> keel_;
};

}  // namespace

TEST_F(Idempotency, CreateIsReplayedWithTheSameBookingAndTokenAndStoredOnce) {
  auto first = post("/api/bookings", booking("massage"), {key("create-1")});
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_FALSE(first.header("Idempotent-Replayed"));
  for (int i = 0; i < 2; ++i) {
    auto again = post("/api/bookings", booking("massage"), {key("create-1")});
    ASSERT_EQ(again.status, 201) << again.body;
    EXPECT_TRUE(replayed(again));
    EXPECT_EQ(again.json()["id"], first.json()["id"]);
    EXPECT_EQ(again.json()["manage_token"], first.json()["manage_token"]);
    EXPECT_EQ(again.body, first.body);
    EXPECT_EQ(again.header("Location"), first.header("Location"));
    EXPECT_EQ(again.header("Content-Type").value_or(""), "application/json");
  }
  EXPECT_EQ(sql("SELECT COUNT(*) FROM bookings"), "1");
  // Another key is another request: it runs (and finds the slot taken).
  EXPECT_EQ(post("/api/bookings", booking("massage"), {key("create-2")}).status, 409);
  // Without a key nothing changes.
  EXPECT_EQ(post("/api/bookings", booking("massage", "2030-01-11T09:00:00Z")).status, 201);
}

TEST_F(Idempotency, CancelIsReplayed) {
  auto created = post("/api/bookings", booking("massage"));
  ASSERT_EQ(created.status, 201);
  const std::string path = "/api/bookings/" + created.json()["id"].dump() + "/cancel";
  const std::string token = created.json()["manage_token"];
  auto first = post(path, json::object(), {bearer(token), key("cancel-1")});
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.json()["status"], "cancelled");
  auto again = post(path, json::object(), {bearer(token), key("cancel-1")});
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_TRUE(replayed(again));
  EXPECT_EQ(again.body, first.body);
  // Not replayed: a cancelled booking cannot be cancelled again.
  EXPECT_EQ(post(path, json::object(), {bearer(token)}).status, 409);
  // Keys are per credential: the admin's "cancel-1" is its own, and runs.
  auto as_admin = post(path, json::object(), {admin(), key("cancel-1")});
  EXPECT_EQ(as_admin.status, 409) << as_admin.body;
  EXPECT_FALSE(as_admin.header("Idempotent-Replayed"));
}

TEST_F(Idempotency, SameKeyAnotherRequestIs422) {
  ASSERT_EQ(post("/api/bookings", booking("massage"), {key("k")}).status, 201);
  for (const json& other : {booking("massage", "2030-01-12T09:00:00Z"), booking("yoga")}) {
    auto r = post("/api/bookings", other, {key("k")});
    ASSERT_EQ(r.status, 422) << r.body;
    EXPECT_EQ(r.json()["detail"][0]["loc"], json::array({"header", "Idempotency-Key"}));
    EXPECT_EQ(r.json()["detail"][0]["type"], "idempotency_key_reused");
  }
  // The same key on another route (path) is another request too.
  auto created = post("/api/bookings", booking("yoga"));
  auto cancel = post("/api/bookings/" + created.json()["id"].dump() + "/cancel", json::object(), {admin(), key("k")});
  EXPECT_EQ(cancel.status, 200) << "the admin's scope has no 'k' yet: " << cancel.body;
  auto cancel_other = post("/api/bookings/1/cancel", json::object(), {admin(), key("k")});
  EXPECT_EQ(cancel_other.status, 422) << cancel_other.body;
  EXPECT_EQ(sql("SELECT COUNT(*) FROM bookings"), "2");
}

TEST_F(Idempotency, MalformedKeysAre422) {
  for (const std::string& bad : {std::string(256, 'k'), std::string("two words"), std::string("caf\xc3\xa9")}) {
    auto r = post("/api/bookings", booking("massage"), {key(bad)});
    ASSERT_EQ(r.status, 422) << r.body;
    EXPECT_EQ(r.json()["detail"][0]["loc"], json::array({"header", "Idempotency-Key"}));
    EXPECT_EQ(r.json()["detail"][0]["type"], "idempotency_key_invalid");
  }
  EXPECT_EQ(post("/api/bookings", booking("massage"), {key(std::string(255, 'k'))}).status, 201);
  EXPECT_EQ(sql("SELECT COUNT(*) FROM bookings"), "1");
}

TEST_F(Idempotency, A409SlotTakenAndA422AreReplayedToo) {
  auto holder = post("/api/bookings", booking("massage"));
  ASSERT_EQ(holder.status, 201);
  auto taken = post("/api/bookings", booking("massage"), {key("late")});
  ASSERT_EQ(taken.status, 409) << taken.body;
  EXPECT_EQ(taken.json()["detail"], "slot taken");
  // The slot is free again, but the retry gets the first answer.
  ASSERT_EQ(post("/api/bookings/" + holder.json()["id"].dump() + "/cancel", json::object(), {admin()}).status, 200);
  auto retry = post("/api/bookings", booking("massage"), {key("late")});
  EXPECT_EQ(retry.status, 409);
  EXPECT_TRUE(replayed(retry));
  EXPECT_EQ(retry.body, taken.body);

  json invalid = booking("massage");
  invalid["email"] = "not-an-email";
  auto bad = post("/api/bookings", invalid, {key("bad")});
  ASSERT_EQ(bad.status, 422) << bad.body;
  auto bad_again = post("/api/bookings", invalid, {key("bad")});
  EXPECT_EQ(bad_again.status, 422);
  EXPECT_TRUE(replayed(bad_again));
  EXPECT_EQ(bad_again.body, bad.body);
}

TEST_F(Idempotency, ConcurrentRequestWithOneKeyIs409UntilTheFirstAnswers) {
  const std::string body = R"({"n":1})";
  auto slow = std::async(std::launch::async, [&] {
    return post(port(), "/api/_test/idempotent", body, {key("slow"), {"X-Test-Sleep-Ms", "3000"}});
  });
  wait_running();
  auto during = post(port(), "/api/_test/idempotent", body, {key("slow")});
  EXPECT_EQ(during.status, 409) << during.body;
  EXPECT_EQ(during.json()["detail"], "request with this Idempotency-Key in progress");
  EXPECT_FALSE(during.header("Idempotent-Replayed"));
  auto first = slow.get();
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.json()["echo"], json::parse(body));  // the handler read the body the wrapper hashed
  auto after = post(port(), "/api/_test/idempotent", body, {key("slow")});
  EXPECT_EQ(after.status, 200);
  EXPECT_TRUE(replayed(after));
  EXPECT_EQ(after.body, first.body);
}

TEST_F(Idempotency, HoldsAcrossTwoKeelProcessesOnOneDatabase) {
  Keel other(env());
  auto first = post(port(), "/api/bookings", booking("massage").dump(), {key("two")});
  ASSERT_EQ(first.status, 201) << first.body;
  auto again = post(other.port(), "/api/bookings", booking("massage").dump(), {key("two")});
  EXPECT_EQ(again.status, 201) << again.body;
  EXPECT_TRUE(replayed(again));
  EXPECT_EQ(again.json()["id"], first.json()["id"]);
  EXPECT_EQ(again.json()["manage_token"], first.json()["manage_token"]);
  EXPECT_EQ(sql("SELECT COUNT(*) FROM bookings"), "1");
  // And while one runs, the other says so.
  auto slow = std::async(std::launch::async, [&] {
    return post(port(), "/api/_test/idempotent", "{}", {key("both"), {"X-Test-Sleep-Ms", "3000"}});
  });
  wait_running();
  EXPECT_EQ(post(other.port(), "/api/_test/idempotent", "{}", {key("both")}).status, 409);
  auto done = slow.get();
  auto replay = post(other.port(), "/api/_test/idempotent", "{}", {key("both")});
  EXPECT_TRUE(replayed(replay));
  EXPECT_EQ(replay.body, done.body);
}

TEST_F(Idempotency, TheTableHoldsNeitherTheTokenNorTheKeyInClear) {
  const std::string k = "my-very-recognisable-key";
  auto r = post("/api/bookings", booking("massage"), {key(k)});
  ASSERT_EQ(r.status, 201);
  const std::string token = r.json()["manage_token"];
  EXPECT_EQ(sql("SELECT COUNT(*) FROM idempotency_keys"), "1");
  EXPECT_EQ(sql("SELECT state, status FROM idempotency_keys"), "done\t201");
  auto hex = [](const std::string& s) {
    static const char* d = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
      out += d[c >> 4];
      out += d[c & 15];
    }
    return out;
  };
  const std::string row =
      sql("SELECT CONCAT(HEX(lookup_hash), HEX(request_hash), HEX(run_id), HEX(answer)) FROM idempotency_keys");
  EXPECT_GT(row.size(), 200u);
  EXPECT_EQ(row.find(hex(token)), std::string::npos);
  EXPECT_EQ(row.find(hex(k)), std::string::npos);
  EXPECT_EQ(row.find(hex("manage_token")), std::string::npos);
  EXPECT_EQ(row.find(sha256_hex(k)), std::string::npos);  // nor its bare hash (lower-case digits differ: check both)
  std::string upper = sha256_hex(k);
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(row.find(upper), std::string::npos);
}

TEST_F(Idempotency, AnExpiredRowRunsAgain) {
  auto first = post(port(), "/api/_test/idempotent", "{}", {key("old")});
  ASSERT_EQ(first.status, 200);
  EXPECT_TRUE(replayed(post(port(), "/api/_test/idempotent", "{}", {key("old")})));
  // Kept KEEL_IDEMPOTENCY_TTL_H (24) from the first answer.
  EXPECT_EQ(sql("SELECT TIMESTAMPDIFF(MINUTE, NOW(3), expires_at) BETWEEN 1430 AND 1440 FROM idempotency_keys"), "1");
  sql("UPDATE idempotency_keys SET expires_at = NOW(3) - INTERVAL 1 SECOND");
  auto again = post(port(), "/api/_test/idempotent", "{}", {key("old")});
  EXPECT_EQ(again.status, 200);
  EXPECT_FALSE(again.header("Idempotent-Replayed"));
  EXPECT_EQ(again.json()["calls"], first.json()["calls"].get<int>() + 1);
  // ... and an expired key is free for another request as well.
  sql("UPDATE idempotency_keys SET expires_at = NOW(3) - INTERVAL 1 SECOND");
  EXPECT_EQ(post(port(), "/api/_test/idempotent", R"({"other":true})", {key("old")}).status, 200);
}

TEST_F(Idempotency, TheTtlIsKeelIdempotencyTtlH) {
  Env e = env();
  e["KEEL_IDEMPOTENCY_TTL_H"] = "2";
  Keel two_hours(e);
  ASSERT_EQ(post(two_hours.port(), "/api/_test/idempotent", "{}", {key("ttl")}).status, 200);
  EXPECT_EQ(sql("SELECT TIMESTAMPDIFF(MINUTE, NOW(3), expires_at) BETWEEN 110 AND 120 FROM idempotency_keys"), "1");
}

TEST_F(Idempotency, ExpiredRowsAreDeletedInBoundedBatches) {
  sql("INSERT INTO idempotency_keys (lookup_hash, request_hash, run_id, state, started_at, expires_at) "
      "SELECT UNHEX(SHA2(seq, 256)), UNHEX(SHA2(seq, 256)), LPAD(seq, 22, '0'), 'done', NOW(3) - INTERVAL 2 DAY, "
      "NOW(3) - INTERVAL 1 DAY FROM seq_1_to_150");
  ASSERT_EQ(sql("SELECT COUNT(*) FROM idempotency_keys"), "150");
  ASSERT_EQ(post(port(), "/api/_test/idempotent", "{}", {key("a")}).status, 200);
  EXPECT_EQ(sql("SELECT COUNT(*) FROM idempotency_keys"), "51");  // 100 deleted, the new one added
  ASSERT_EQ(post(port(), "/api/_test/idempotent", "{}", {key("b")}).status, 200);
  EXPECT_EQ(sql("SELECT COUNT(*) FROM idempotency_keys"), "2");
}

TEST_F(Idempotency, FiveHundredsAreNotStoredAndTheRetryRuns) {
  auto failed = post(port(), "/api/_test/idempotent", "{}", {key("flaky"), {"X-Test-Status", "500"}});
  EXPECT_EQ(failed.status, 500);
  EXPECT_EQ(sql("SELECT COUNT(*) FROM idempotency_keys"), "0");
  auto thrown = post(port(), "/api/_test/idempotent", "{}", {key("flaky"), {"X-Test-Throw", "1"}});
  EXPECT_EQ(thrown.status, 500);
  EXPECT_EQ(thrown.json()["detail"], "Internal Server Error");
  auto busy = post(port(), "/api/_test/idempotent", "{}", {key("flaky"), {"X-Test-Status", "503"}});
  EXPECT_EQ(busy.status, 503);
  auto limited = post(port(), "/api/_test/idempotent", "{}", {key("flaky"), {"X-Test-Status", "429"}});
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(sql("SELECT COUNT(*) FROM idempotency_keys"), "0");
  auto ok = post(port(), "/api/_test/idempotent", "{}", {key("flaky")});
  EXPECT_EQ(ok.status, 200);
  EXPECT_FALSE(ok.header("Idempotent-Replayed"));
  EXPECT_EQ(ok.json()["calls"], failed.json()["calls"].get<int>() + 4);
  EXPECT_TRUE(replayed(post(port(), "/api/_test/idempotent", "{}", {key("flaky")})));
}

TEST_F(Idempotency, ADeadRunIsTakenOverAfterAMinute) {
  auto slow = std::async(std::launch::async, [&] {
    return post(port(), "/api/_test/idempotent", "{}", {key("dead"), {"X-Test-Sleep-Ms", "4000"}});
  });
  wait_running();
  EXPECT_EQ(post(port(), "/api/_test/idempotent", "{}", {key("dead")}).status, 409);
  // As if it had started 61 s ago and its process died.
  sql("UPDATE idempotency_keys SET started_at = NOW(3) - INTERVAL 61 SECOND");
  auto taker = post(port(), "/api/_test/idempotent", "{}", {key("dead")});
  ASSERT_EQ(taker.status, 200);
  EXPECT_FALSE(taker.header("Idempotent-Replayed"));
  auto late = slow.get();
  ASSERT_EQ(late.status, 200);  // the old run still answers its client ...
  auto replay = post(port(), "/api/_test/idempotent", "{}", {key("dead")});
  EXPECT_TRUE(replayed(replay));
  EXPECT_EQ(replay.body, taker.body);  // ... but the stored answer is the new run's
}

TEST(IdempotencyConfig, ABadTtlExitsTwoNamingTheVariable) {
  for (const char* bad : {"0", "721", "a day"}) {
    SCOPED_TRACE(bad);
    auto [code, out] = Keel::run({}, {{"KEEL_IDEMPOTENCY_TTL_H", bad}});
    EXPECT_EQ(code, 2) << out;
    EXPECT_NE(out.find("KEEL_IDEMPOTENCY_TTL_H"), std::string::npos) << out;
  }
  auto [code, out] = Keel::run({"--help"});
  EXPECT_EQ(code, 0);
  EXPECT_NE(out.find("KEEL_IDEMPOTENCY_TTL_H"), std::string::npos);
}
