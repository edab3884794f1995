// Pure rules around files: upload names and ids, static path safety,
// bookings' status rules, the memory state machine.
#include "http/http.hpp"
#include "routers/static_files.hpp"
#include "services/bookings/model.hpp"
#include "services/memory/monitor.hpp"
#include "services/uploads/names.hpp"

#include <gtest/gtest.h>

using namespace keel;

TEST(UploadNames, CleanFilename) {
  EXPECT_EQ(uploads::clean_filename("report.pdf"), "report.pdf");
  EXPECT_EQ(uploads::clean_filename("../../etc/passwd"), "passwd");
  EXPECT_EQ(uploads::clean_filename("C:\\Users\\x\\cv.doc"), "cv.doc");
  EXPECT_EQ(uploads::clean_filename(std::string("a\r\nb\0c", 7)), "abc");
  EXPECT_EQ(uploads::clean_filename("  spaced  "), "spaced");
  EXPECT_EQ(uploads::clean_filename(""), "upload");
  EXPECT_EQ(uploads::clean_filename(".."), "upload");
  EXPECT_EQ(uploads::clean_filename("dir/"), "upload");
  EXPECT_EQ(uploads::clean_filename("r\xc3\xa9sum\xc3\xa9.pdf"), "r\xc3\xa9sum\xc3\xa9.pdf");
  EXPECT_EQ(uploads::clean_filename("bad\xff.txt"), "bad.txt");
  std::string longname(300, 'x');
  EXPECT_EQ(uploads::clean_filename(longname).size(), 255u);
  std::string multibyte;
  for (int i = 0; i < 200; ++i) multibyte += "\xc3\xa9";  // 400 bytes
  auto cut = uploads::clean_filename(multibyte);
  EXPECT_LE(cut.size(), 255u);
  EXPECT_EQ(cut.size() % 2, 0u);  // never cut inside a character
}

TEST(UploadNames, FromHeaders) {
  EXPECT_EQ(uploads::filename_from_x_filename("r%C3%A9sum%C3%A9.pdf").value_or(""), "r\xc3\xa9sum\xc3\xa9.pdf");
  EXPECT_EQ(uploads::filename_from_x_filename("plain.txt").value_or(""), "plain.txt");
  EXPECT_FALSE(uploads::filename_from_x_filename("bad%zz"));
  EXPECT_FALSE(uploads::filename_from_x_filename(""));
  EXPECT_EQ(uploads::filename_from_content_disposition("attachment; filename=\"a b.txt\"").value_or(""), "a b.txt");
  EXPECT_EQ(uploads::filename_from_content_disposition("attachment; filename=plain.txt").value_or(""), "plain.txt");
  EXPECT_EQ(uploads::filename_from_content_disposition(
                "attachment; filename=\"fallback.txt\"; filename*=UTF-8''%E2%82%AC%20rates.txt")
                .value_or(""),
            "\xe2\x82\xac rates.txt");
  EXPECT_EQ(
      uploads::filename_from_content_disposition("attachment; filename*=utf-8''x.txt; filename=\"y.txt\"").value_or(""),
      "x.txt");
  EXPECT_EQ(uploads::filename_from_content_disposition("attachment; filename=\"semi;colon.txt\"").value_or(""),
            "semi;colon.txt");
  EXPECT_FALSE(uploads::filename_from_content_disposition("attachment"));
}

TEST(UploadNames, NamesThatAreNotUtf8AreRefused) {
  auto status = [](auto&& call) {
    try {
      call();
    } catch (const HttpError& e) { return e.status; }
    return 0;
  };
  for (const char* x : {"a%C0%80b.txt", "%C0%AFx.txt", "%E0%80%80", "%F0%80%80%80", "%ED%A0%80.txt", "%ED%BF%BF",
                        "%F4%90%80%80", "%F5%80%80%80", "%FF.txt", "x%C3.txt"}) {
    EXPECT_EQ(status([&] { uploads::filename_from_x_filename(x); }), 400) << x;
  }
  EXPECT_EQ(uploads::filename_from_x_filename("Zo%C3%AB%20%E2%82%AC.txt").value_or(""), "Zo\xC3\xAB \xE2\x82\xAC.txt");
  EXPECT_EQ(status([] { uploads::filename_from_content_disposition("attachment; filename*=UTF-8''a%C0%80b.txt"); }),
            400);
  // With a filename to fall back to, that one is used.
  EXPECT_EQ(uploads::filename_from_content_disposition("attachment; filename=\"ok.txt\"; filename*=UTF-8''%ED%A0%80")
                .value_or(""),
            "ok.txt");
}

TEST(UploadNames, Ids) {
  EXPECT_TRUE(uploads::valid_upload_id("AbCdEfGhIjKlMnOpQrSt_-"));
  EXPECT_FALSE(uploads::valid_upload_id("short"));
  EXPECT_FALSE(uploads::valid_upload_id("AbCdEfGhIjKlMnOpQrSt/."));
  EXPECT_FALSE(uploads::valid_upload_id(std::string(44, 'a')));
}

TEST(StaticPaths, SafeRelativePath) {
  using V = std::vector<std::string>;
  EXPECT_EQ(safe_relative_path(V{"css", "site.css"}).value_or(""), "css/site.css");
  for (const V& bad : {V{}, V{".."}, V{"a", ".."}, V{"."}, V{"a", ""}, V{".env"}, V{"a", ".git", "x"}, V{"a/b"},
                       V{"a\\b"}, V{std::string("a\0b", 3)}})
    EXPECT_FALSE(safe_relative_path(bad).has_value());
}

TEST(BookingRules, Transitions) {
  using bookings::transition_allowed;
  EXPECT_TRUE(transition_allowed("pending", "confirmed"));
  EXPECT_TRUE(transition_allowed("pending", "cancelled"));
  EXPECT_TRUE(transition_allowed("confirmed", "completed"));
  EXPECT_TRUE(transition_allowed("confirmed", "cancelled"));
  for (auto [from, to] : std::vector<std::pair<const char*, const char*>>{{"pending", "completed"},
                                                                          {"pending", "pending"},
                                                                          {"confirmed", "pending"},
                                                                          {"completed", "cancelled"},
                                                                          {"completed", "confirmed"},
                                                                          {"cancelled", "pending"},
                                                                          {"cancelled", "confirmed"},
                                                                          {"cancelled", "cancelled"}})
    EXPECT_FALSE(transition_allowed(from, to)) << from << " -> " << to;
}

TEST(BookingRules, SqlDatetimeRoundTrip) {
  EXPECT_EQ(bookings::to_sql_datetime(0), "1970-01-01 00:00:00");
  EXPECT_EQ(
      bookings::from_sql_datetime("2026-12-01 08:30:00").value_or(-1),
      bookings::from_sql_datetime(bookings::to_sql_datetime(*bookings::from_sql_datetime("2026-12-01 08:30:00"))));
  EXPECT_EQ(bookings::sql_to_iso("2026-12-01 08:30:00.123"), "2026-12-01T08:30:00.123Z");
  EXPECT_EQ(bookings::sql_to_iso("2026-12-01 08:30:00.842000"), "2026-12-01T08:30:00.842Z");
  EXPECT_EQ(bookings::sql_to_iso("2026-12-01 08:30:00"), "2026-12-01T08:30:00Z");
  EXPECT_EQ(bookings::reference_code(42), "BK-000042");
}

TEST(MemoryState, HysteresisTable) {
  using memory::State;
  struct Case {
    State from;
    double pct;
    State to;
  };
  const Case cases[] = {
      {State::ok, 50, State::ok},
      {State::ok, 85, State::warning},
      {State::ok, 90, State::critical},
      {State::warning, 84.9, State::ok},
      {State::warning, 89.9, State::warning},
      {State::warning, 95, State::critical},
      {State::critical, 89, State::critical},
      {State::critical, 85, State::critical},
      {State::critical, 84.9, State::ok},
  };
  for (const auto& c : cases) EXPECT_EQ(memory::next_state(c.from, c.pct, 85, 90), c.to) << c.pct;
}
