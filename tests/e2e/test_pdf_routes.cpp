// PDF routes against a real keel and MariaDB: confirmations (UTF-8 names),
// the 2,000-booking report (pages, totals, filters), access rules, the
// concurrency bound (queueing, 503), and the temp folder staying empty after
// a download, a client that leaves mid-stream and a failed rendering.
#include "e2e/support.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <thread>

using namespace e2e;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const char* kAdminKey = "pdf-admin-key";
const char* kReportService = "report-svc";
constexpr int kReportRows = 2000;

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Writes a PDF body to a file under dir; returns its path.
std::string save(const std::string& dir, const std::string& name, const std::string& bytes) {
  std::string path = dir + "/" + name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

bool qpdf_ok(const std::string& path) { return sh("qpdf --check " + quote(path) + " >/dev/null 2>&1").first == 0; }
int pages_of(const std::string& path) { return std::atoi(sh("qpdf --show-npages " + quote(path)).second.c_str()); }
std::string text_of(const std::string& path, int first = 1, int last = 0) {
  std::string cmd = "pdftotext -enc UTF-8 -f " + std::to_string(first);
  if (last > 0) cmd += " -l " + std::to_string(last);
  return sh(cmd + " " + quote(path) + " - 2>/dev/null").second;
}
std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + what.size())) ++n;
  return n;
}

// Files in keel's temp folder.
std::vector<std::string> tmp_entries(const Keel& k) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(k.data_dir() + "/tmp", ec)) out.push_back(e.path().filename().string());
  return out;
}
// Descriptors keel holds on files of its temp folder (unlinked ones show as
// "<path> (deleted)").
std::vector<std::string> tmp_fds(Keel& k) {
  std::vector<std::string> out;
  const std::string tmp = k.data_dir() + "/tmp/";
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc/" + std::to_string(k.pid()) + "/fd", ec)) {
    std::error_code rec;
    fs::path target = fs::read_symlink(e.path(), rec);
    if (!rec && target.string().rfind(tmp, 0) == 0) out.push_back(target.string());
  }
  return out;
}
// Polls until keel holds no temp file and the folder is empty.
bool tmp_clean_within(Keel& k, double seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  for (;;) {
    if (tmp_entries(k).empty() && tmp_fds(k).empty()) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

class PdfRoutes : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (test_db_url().empty()) return;
    db_ = new TestDatabase();
    keel_ = new Keel(Env{{"KEEL_DB_URL", db_->url}, {"KEEL_AUTO_MIGRATE", "1"}, {"KEEL_ADMIN_API_KEY", kAdminKey}});
    seed_report_rows();
  }
  static void TearDownTestSuite() {
    delete keel_;
    delete db_;
    keel_ = nullptr;
    db_ = nullptr;
  }
  void SetUp() override {
    if (!db_) GTEST_SKIP() << "KEEL_TEST_DB_URL is not set (run through scripts/test)";
    if (sh("command -v qpdf && command -v pdftotext").first != 0) GTEST_SKIP() << "qpdf/pdftotext missing";
  }

  // 2,000 bookings of one service straight into the table: names cycle
  // through five (four of them non-ASCII), every two share a start time (so
  // keyset batches must break ties by id), 1,200 confirmed / 400 pending /
  // 400 cancelled, durations 30/45/60 minutes.
  static void seed_report_rows() {
    const std::string stmt =
        "INSERT INTO bookings (name, email, phone, service, starts_at, ends_at, duration_minutes, status, "
        "manage_token_hash) SELECT "
        "ELT(seq % 5 + 1, 'Zoë Ångström', 'Łukasz Żółć', 'Дмитрий', 'Ελένη', 'Plain Person'), "
        "CONCAT('guest', seq, '@example.com'), NULL, '" +
        std::string(kReportService) +
        "', "
        "TIMESTAMP('2031-01-01 00:00:00') + INTERVAL (seq DIV 2) HOUR, "
        "TIMESTAMP('2031-01-01 00:00:00') + INTERVAL (seq DIV 2) HOUR + INTERVAL ELT(seq % 3 + 1, 30, 45, 60) MINUTE, "
        "ELT(seq % 3 + 1, 30, 45, 60), "
        "ELT(seq % 5 + 1, 'confirmed', 'confirmed', 'confirmed', 'pending', 'cancelled'), "
        "UNHEX(SHA2(CONCAT('pdf-e2e-', seq), 256)) "
        "FROM seq_1_to_" +
        std::to_string(kReportRows) + " ORDER BY seq;";
    auto [rc, out] = db_->sql(stmt);
    if (rc != 0) throw std::runtime_error("seeding failed: " + out);
  }

  static unsigned port() { return keel_->port(); }
  static std::pair<std::string, std::string> admin() { return {"X-API-Key", kAdminKey}; }
  static std::pair<std::string, std::string> bearer(const std::string& t) { return {"Authorization", "Bearer " + t}; }

  // Creates a booking through the API; returns {id, manage_token}.
  static std::pair<long long, std::string> create(const std::string& name, const std::string& service) {
    open_service(*db_, service);
    json body = {{"name", name},
                 {"email", "guest@example.com"},
                 {"phone", "+46 70 123 45 67"},
                 {"service", service},
                 {"starts_at", "2030-03-04T10:15:00+01:00"},
                 {"duration_minutes", 90},
                 {"notes", "Side entrance, please."}};
    std::vector<std::pair<std::string, std::string>> headers = {{"Content-Type", "application/json"}};
    auto r = request(port(), {"POST", "/api/bookings", headers, body.dump()});
    if (!r || r->status != 201) throw std::runtime_error("create failed: " + (r ? r->body : std::string("-")));
    json j = r->json();
    return {j["id"].get<long long>(), j["manage_token"].get<std::string>()};
  }

  static std::string ref(long long id) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "BK-%06lld", id);
    return buf;
  }

  static void expect_pdf_headers(const HttpResponse& r, const std::string& filename) {
    EXPECT_EQ(r.header("Content-Type").value_or(""), "application/pdf");
    EXPECT_EQ(r.header("Content-Disposition").value_or(""), "attachment; filename=\"" + filename + "\"");
    ASSERT_TRUE(r.header("Content-Length"));
    EXPECT_EQ(std::stoull(*r.header("Content-Length")), r.body.size());
    EXPECT_FALSE(r.header("Transfer-Encoding"));
    EXPECT_EQ(r.body.rfind("%PDF-", 0), 0u);
  }

  static std::string report_path(const std::string& query) {
    return "/api/admin/bookings/report.pdf" + (query.empty() ? std::string() : "?" + query);
  }

  static TestDatabase* db_;
  static Keel* keel_;
  TempDir scratch_;
};
TestDatabase* PdfRoutes::db_ = nullptr;
Keel* PdfRoutes::keel_ = nullptr;

}  // namespace

// ---- confirmations ----------------------------------------------------------

TEST_F(PdfRoutes, ConfirmationShowsEachUtf8NameAndTheFields) {
  for (const std::string name : {"Zoë Ångström", "Łukasz Żółć", "Дмитрий", "Ελένη"}) {
    SCOPED_TRACE(name);
    auto [id, token] = create(name, "svc-" + random_hex(4));
    auto r = get(port(), "/api/bookings/" + std::to_string(id) + "/pdf", {bearer(token)});
    ASSERT_EQ(r.status, 200) << r.body;
    expect_pdf_headers(r, "booking-" + std::to_string(id) + ".pdf");
    const std::string path = save(scratch_.path, "c.pdf", r.body);
    EXPECT_TRUE(qpdf_ok(path));
    EXPECT_EQ(pages_of(path), 1);
    const std::string text = text_of(path);
    for (const std::string& want :
         {name, std::string("guest@example.com"), std::string("+46 70 123 45 67"), std::string("pending"), ref(id),
          std::string("2030-03-04 09:15 UTC"), std::string("1 h 30 min"), std::string("Side entrance, please."),
          std::string("Booking confirmation")}) {
      EXPECT_NE(text.find(want), std::string::npos) << "missing: " << want << "\n" << text;
    }
    EXPECT_TRUE(tmp_clean_within(*keel_, 2)) << "left in tmp after a download";
  }
}

TEST_F(PdfRoutes, AdminConfirmationAndAccessRules) {
  auto [id, token] = create("Ελένη", "svc-" + random_hex(4));
  auto [other_id, other_token] = create("Дмитрий", "svc-" + random_hex(4));
  const std::string mine = "/api/bookings/" + std::to_string(id) + "/pdf";
  const std::string as_admin = "/api/admin/bookings/" + std::to_string(id) + "/pdf";

  auto a = get(port(), as_admin, {admin()});
  ASSERT_EQ(a.status, 200) << a.body;
  expect_pdf_headers(a, "booking-" + std::to_string(id) + ".pdf");
  EXPECT_NE(text_of(save(scratch_.path, "a.pdf", a.body)).find("Ελένη"), std::string::npos);
  EXPECT_EQ(get(port(), as_admin, {{"Authorization", std::string("Bearer ") + kAdminKey}}).status, 200);
  EXPECT_EQ(get(port(), mine, {admin()}).status, 200);  // admins may use the token route too

  EXPECT_EQ(get(port(), as_admin).status, 401);
  EXPECT_EQ(get(port(), as_admin, {{"X-API-Key", "wrong"}}).status, 403);
  EXPECT_EQ(get(port(), as_admin, {bearer(token)}).status, 403);  // a manage token is no admin key
  EXPECT_EQ(get(port(), "/api/admin/bookings/999999999/pdf", {admin()}).status, 404);

  auto none = get(port(), mine);
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.header("WWW-Authenticate").value_or(""), "Bearer");
  EXPECT_EQ(get(port(), mine, {bearer(other_token)}).status, 404);  // another booking's token
  EXPECT_EQ(get(port(), mine, {bearer("not-a-token")}).status, 404);
  EXPECT_EQ(get(port(), "/api/bookings/" + std::to_string(other_id) + "/pdf", {bearer(other_token)}).status, 200);
  EXPECT_EQ(get(port(), "/api/bookings/abc/pdf", {bearer(token)}).status, 422);
  EXPECT_TRUE(tmp_clean_within(*keel_, 2));
}

TEST_F(PdfRoutes, HeadGivesTheLengthWithoutABody) {
  auto [id, token] = create("Zoë Ångström", "svc-" + random_hex(4));
  auto r = request(port(), {"HEAD", "/api/bookings/" + std::to_string(id) + "/pdf", {bearer(token)}, ""});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("Content-Type").value_or(""), "application/pdf");
  ASSERT_TRUE(r->header("Content-Length"));
  EXPECT_GT(std::stoull(*r->header("Content-Length")), 1000u);
  EXPECT_TRUE(r->body.empty());
  EXPECT_TRUE(tmp_clean_within(*keel_, 2));
}

// ---- the report -------------------------------------------------------------

TEST_F(PdfRoutes, ReportOfTwoThousandBookings) {
  auto r = get(port(), report_path(std::string("service=") + kReportService), {admin()});
  ASSERT_EQ(r.status, 200) << r.body;
  expect_pdf_headers(r, "bookings-report.pdf");
  const std::string path = save(scratch_.path, "report.pdf", r.body);
  EXPECT_TRUE(qpdf_ok(path));
  // 40 rows a page fill 50 pages; the summary takes page 51.
  ASSERT_EQ(pages_of(path), 51);

  const std::string first = text_of(path, 1, 1);
  EXPECT_NE(first.find("Bookings report"), std::string::npos) << first;
  EXPECT_NE(first.find("Service: report-svc"), std::string::npos) << first;
  EXPECT_NE(first.find("Page 1 of 51"), std::string::npos);
  EXPECT_NE(first.find("guest1@example.com"), std::string::npos);
  EXPECT_NE(first.find("guest40@example.com"), std::string::npos);
  EXPECT_EQ(first.find("guest41@example.com"), std::string::npos);
  // Batches of 500 end mid-pair (rows 500 and 501 share a start): the keyset
  // continues by id, so page 13 holds rows 481..520 and nothing repeats.
  const std::string p13 = text_of(path, 13, 13);
  for (int seq : {481, 500, 501, 520}) {
    EXPECT_NE(p13.find("guest" + std::to_string(seq) + "@example.com"), std::string::npos) << seq;
  }

  const std::string all = text_of(path);
  for (const char* name : {"Zoë Ångström", "Łukasz Żółć", "Дмитрий", "Ελένη"}) {
    EXPECT_EQ(count_of(all, name), 400u) << name;
  }
  EXPECT_EQ(count_of(all, "@example.com"), static_cast<std::size_t>(kReportRows));
  EXPECT_EQ(count_of(all, "guest2000@example.com"), 1u);
  EXPECT_EQ(count_of(all, "guest1000@example.com"), 1u);

  const std::string last = text_of(path, 51, 51);
  EXPECT_NE(last.find("Page 51 of 51"), std::string::npos);
  EXPECT_NE(last.find("Total bookings: 2,000"), std::string::npos) << last;
  // 666 x 30 + 667 x 45 + 667 x 60 minutes.
  EXPECT_NE(last.find("Total booked time: 90,015 min (1,500 h 15 min)"), std::string::npos) << last;
  EXPECT_NE(last.find("1,200"), std::string::npos);
  EXPECT_NE(last.find("60.0%"), std::string::npos);
  EXPECT_NE(last.find("20.0%"), std::string::npos);
  EXPECT_TRUE(tmp_clean_within(*keel_, 2));
}

TEST_F(PdfRoutes, ReportFilters) {
  struct Case {
    std::string query;
    std::string total;
  };
  const std::vector<Case> cases = {
      {std::string("service=") + kReportService + "&status=pending", "Total bookings: 400"},
      {std::string("service=") + kReportService + "&status=cancelled", "Total bookings: 400"},
      // The first day: start hours 0..23 are rows 1..47.
      {std::string("service=") + kReportService + "&from=2031-01-01&to=2031-01-02", "Total bookings: 47"},
      // 01:00+01:00 is 00:00Z: start hours 0 and 1 are rows 1..3.
      {std::string("service=") + kReportService + "&from=2031-01-01T01:00:00%2B01:00&to=2031-01-01T02:00:00Z",
       "Total bookings: 3"},
      {"service=no-such-service", "Total bookings: 0"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.query);
    auto r = get(port(), report_path(c.query), {admin()});
    ASSERT_EQ(r.status, 200) << r.body;
    const std::string path = save(scratch_.path, "f.pdf", r.body);
    EXPECT_TRUE(qpdf_ok(path));
    const std::string text = text_of(path);
    EXPECT_NE(text.find(c.total), std::string::npos) << text.substr(text.size() > 2000 ? text.size() - 2000 : 0);
  }
}

TEST_F(PdfRoutes, ReportRejectsBadFiltersAfterAuth) {
  EXPECT_EQ(get(port(), report_path("status=bogus")).status, 401);  // auth first
  EXPECT_EQ(get(port(), report_path("status=bogus"), {{"X-API-Key", "wrong"}}).status, 403);
  auto r = get(port(), report_path("status=bogus&from=yesterday"), {admin()});
  ASSERT_EQ(r.status, 422);
  json detail = r.json()["detail"];
  ASSERT_TRUE(detail.is_array());
  std::set<std::string> fields;
  for (const auto& d : detail) fields.insert(d["loc"].back().get<std::string>());
  EXPECT_EQ(fields, (std::set<std::string>{"status", "from"}));
  EXPECT_EQ(get(port(), report_path("service="), {admin()}).status, 422);
}

TEST_F(PdfRoutes, ConcurrentReportsQueueForTheSlots) {
  // KEEL_PDF_CONCURRENCY=2 with the default 30 s wait: five at once all finish.
  std::vector<std::future<std::optional<HttpResponse>>> futs;
  for (int i = 0; i < 5; ++i)
    futs.push_back(std::async(std::launch::async, [] {
      return request(
          port(), {"GET", report_path(std::string("service=") + kReportService + "&status=confirmed"), {admin()}, ""});
    }));
  for (auto& f : futs) {
    auto r = f.get();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(std::stoull(r->header("Content-Length").value_or("0")), r->body.size());
  }
  auto mem = get(port(), "/api/health/memory");
  if (mem.status == 200 && mem.json().contains("limits")) {
    EXPECT_EQ(mem.json()["limits"]["pdf_renders"]["in_use"], 0);
    EXPECT_EQ(mem.json()["limits"]["pdf_renders"]["max"], 2);
  }
  EXPECT_TRUE(tmp_clean_within(*keel_, 2));
}

TEST_F(PdfRoutes, ReportsShareATinyDatabasePool) {
  // One connection for everything: two renderings fetch their batches from
  // the blocking pool, taking turns on the connection, while a JSON route
  // uses it too. Nothing deadlocks, every answer is complete.
  Keel k(Env{{"KEEL_DB_URL", db_->url},
             {"KEEL_ADMIN_API_KEY", kAdminKey},
             {"KEEL_DB_POOL_SIZE", "1"},
             {"KEEL_DB_MAX_OVERFLOW", "0"}});
  std::vector<std::future<std::optional<HttpResponse>>> futs;
  for (int i = 0; i < 3; ++i)
    futs.push_back(std::async(std::launch::async, [&k] {
      return request(k.port(), {"GET", report_path(std::string("service=") + kReportService), {admin()}, ""});
    }));
  auto list = get(k.port(), "/api/admin/bookings?service=report-svc&limit=5", {admin()});
  EXPECT_EQ(list.status, 200) << list.body;
  for (auto& f : futs) {
    auto r = f.get();
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    const std::string path = save(scratch_.path, "tiny.pdf", r->body);
    EXPECT_EQ(pages_of(path), 51);
    EXPECT_NE(text_of(path, 51, 51).find("Total bookings: 2,000"), std::string::npos);
  }
  EXPECT_TRUE(tmp_clean_within(k, 2));
}

// ---- failures and cleanup ------------------------------------------------------

TEST_F(PdfRoutes, BusyRenderersAnswer503WithRetryAfter) {
  Keel k(Env{{"KEEL_DB_URL", db_->url},
             {"KEEL_ADMIN_API_KEY", kAdminKey},
             {"KEEL_PDF_CONCURRENCY", "1"},
             {"KEEL_PDF_WAIT_S", "0.02"}});
  std::vector<std::future<std::optional<HttpResponse>>> futs;
  for (int i = 0; i < 4; ++i)
    futs.push_back(std::async(std::launch::async, [&k] {
      return request(k.port(), {"GET", report_path(std::string("service=") + kReportService), {admin()}, ""});
    }));
  int ok = 0, busy = 0;
  for (auto& f : futs) {
    auto r = f.get();
    ASSERT_TRUE(r);
    if (r->status == 200) {
      ++ok;
    } else {
      EXPECT_EQ(r->status, 503) << r->body;
      EXPECT_EQ(r->header("Retry-After").value_or(""), "5");
      EXPECT_TRUE(r->json()["detail"].is_string());
      ++busy;
    }
  }
  EXPECT_GE(ok, 1);
  EXPECT_GE(busy, 1);
  EXPECT_TRUE(tmp_clean_within(k, 2));
}

TEST_F(PdfRoutes, FailedRenderAnswers500AndLeavesNothing) {
  Keel k(Env{{"KEEL_DB_URL", db_->url}, {"KEEL_ADMIN_API_KEY", kAdminKey}, {"KEEL_PDF_FONT", "/nonexistent/font.ttf"}});
  auto c = get(k.port(), "/api/admin/bookings/1/pdf", {admin()});
  EXPECT_EQ(c.status, 500) << c.body;
  EXPECT_TRUE(c.json()["detail"].is_string());
  EXPECT_EQ(c.header("Content-Type").value_or(""), "application/json");
  auto r = get(k.port(), report_path(std::string("service=") + kReportService), {admin()});
  EXPECT_EQ(r.status, 500) << r.body;
  EXPECT_TRUE(tmp_clean_within(k, 2)) << "left in tmp after a failed rendering";
  // The slots came back: keel still answers (and fails the same way).
  EXPECT_EQ(get(k.port(), "/api/admin/bookings/1/pdf", {admin()}).status, 500);
  EXPECT_EQ(get(k.port(), "/api/health").status, 200);
  EXPECT_NE(k.log().find("/nonexistent/font.ttf"), std::string::npos);
}

TEST_F(PdfRoutes, ClientLeavingMidStreamLeavesNothing) {
  // A client with a tiny receive window reads the header and a little of
  // the body, then goes away while keel still has most of the file to send.
  // A small MSS keeps keel's kernel send buffer small too (Linux sizes it
  // from the MSS: on loopback it would otherwise take megabytes, i.e. the
  // whole PDF, and keel would be done before the client leaves).
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  int small = 4096;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  int mss = 536;
  ::setsockopt(fd, IPPROTO_TCP, TCP_MAXSEG, &mss, sizeof mss);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port()));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  const std::string req = "GET " + report_path(std::string("service=") + kReportService) +
                          " HTTP/1.1\r\nHost: x\r\nX-API-Key: " + kAdminKey + "\r\n\r\n";
  ASSERT_EQ(::send(fd, req.data(), req.size(), MSG_NOSIGNAL), static_cast<ssize_t>(req.size()));
  std::string got;
  char buf[1024];
  while (got.find("\r\n\r\n") == std::string::npos || got.size() < 2048) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    ASSERT_GT(n, 0) << "no response";
    got.append(buf, static_cast<std::size_t>(n));
  }
  ASSERT_EQ(got.rfind("HTTP/1.1 200", 0), 0u) << got.substr(0, 200);
  // Mid-stream: keel still holds the (already unlinked) file open, and the
  // folder shows nothing.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto held = tmp_fds(*keel_);
  ASSERT_EQ(held.size(), 1u) << "expected keel to be mid-stream";
  EXPECT_NE(held[0].find("(deleted)"), std::string::npos) << held[0];
  EXPECT_TRUE(tmp_entries(*keel_).empty());
  ::close(fd);  // unread data: the peer gets a reset
  EXPECT_TRUE(tmp_clean_within(*keel_, 5)) << "keel kept the temp file after the client left";
  EXPECT_EQ(get(port(), "/api/health").status, 200);
}
