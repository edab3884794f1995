// Upload names that are not valid UTF-8 once decoded (overlong forms,
// surrogates) are refused with 400 and leave nothing behind: no row, no
// file. Valid names keep working.
#include "e2e/support.hpp"

#include <gtest/gtest.h>

#include <filesystem>

using namespace e2e;

namespace {

const char* kKey = "names-admin-key";

class UploadNames : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = new TestDatabase();
    keel_ = new Keel(Env{{"KEEL_DB_URL", db_->url}, {"KEEL_AUTO_MIGRATE", "1"}, {"KEEL_ADMIN_API_KEY", kKey}});
  }
  static void TearDownTestSuite() {
    delete keel_;
    delete db_;
  }

  static HttpResponse upload(const std::string& body, std::vector<std::pair<std::string, std::string>> headers) {
    headers.emplace_back("X-API-Key", kKey);
    auto r = request(keel_->port(), {"POST", "/api/uploads", headers, body});
    if (!r) throw std::runtime_error("no response");
    return *r;
  }
  static std::string rows() { return db_->sql("SELECT COUNT(*) FROM uploads").second; }
  static std::size_t files() { return count_files(keel_->data_dir()); }

  // The upload is refused with 400 and a detail that names the problem, and
  // nothing is stored.
  static void expect_refused(const std::string& body, std::vector<std::pair<std::string, std::string>> headers,
                             const std::string& what) {
    const std::string rows_before = rows();
    const std::size_t files_before = files();
    const HttpResponse r = upload(body, std::move(headers));
    EXPECT_EQ(r.status, 400) << what << ": " << r.body;
    const auto detail = r.json().value("detail", nlohmann::json());
    ASSERT_TRUE(detail.is_string()) << what << ": " << r.body;
    EXPECT_NE(detail.get<std::string>().find("UTF-8"), std::string::npos) << what << ": " << detail;
    EXPECT_EQ(rows(), rows_before) << what;
    EXPECT_EQ(files(), files_before) << what;
  }

  static std::string multipart_with(const std::string& disposition_params) {
    return "--BB\r\nContent-Disposition: form-data; name=\"file\"; " + disposition_params +
           "\r\nContent-Type: text/plain\r\n\r\nhello\r\n--BB--\r\n";
  }

  static TestDatabase* db_;
  static Keel* keel_;
};
TestDatabase* UploadNames::db_ = nullptr;
Keel* UploadNames::keel_ = nullptr;

}  // namespace

TEST_F(UploadNames, XFilenameThatIsNotUtf8IsRefused) {
  struct Case {
    const char* x_filename;
    const char* what;
  };
  const Case cases[] = {
      {"a%C0%80b.txt", "overlong NUL"},
      {"%C0%AFx.txt", "overlong '/'"},
      {"%E0%80%80.txt", "overlong 3-byte"},
      {"%F0%80%80%80.txt", "overlong 4-byte"},
      {"%ED%A0%80.txt", "surrogate U+D800"},
      {"%ED%BF%BF.txt", "surrogate U+DFFF"},
      {"%F4%90%80%80.txt", "above U+10FFFF"},
      {"%F5%80%80%80.txt", "F5 lead byte"},
      {"%FF.txt", "FF byte"},
      {"x%C3.txt", "truncated sequence"},
  };
  for (const auto& c : cases) expect_refused("data", {{"X-Filename", c.x_filename}}, c.what);
}

TEST_F(UploadNames, ValidXFilenameIsStored) {
  const HttpResponse r = upload("data", {{"X-Filename", "Zo%C3%AB%20%E2%82%AC.txt"}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["filename"], "Zo\xC3\xAB \xE2\x82\xAC.txt");
  // The boundary code points U+0080, U+07FF, U+0800, U+FFFF, U+10000 and
  // U+10FFFF are all kept.
  const HttpResponse b = upload("data", {{"X-Filename", "%C2%80%DF%BF%E0%A0%80%EF%BF%BF%F0%90%80%80%F4%8F%BF%BF"}});
  ASSERT_EQ(b.status, 201) << b.body;
  EXPECT_EQ(b.json()["filename"], "\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF\xF0\x90\x80\x80\xF4\x8F\xBF\xBF");
}

TEST_F(UploadNames, ContentDispositionFilenameStarThatIsNotUtf8IsRefused) {
  expect_refused("data", {{"Content-Disposition", "attachment; filename*=UTF-8''a%C0%80b.txt"}}, "overlong NUL");
  expect_refused("data", {{"Content-Disposition", "attachment; filename*=UTF-8''%ED%A0%80.txt"}}, "surrogate");
}

TEST_F(UploadNames, MultipartFilenameStarThatIsNotUtf8IsRefused) {
  const std::pair<std::string, std::string> ct{"Content-Type", "multipart/form-data; boundary=BB"};
  expect_refused(multipart_with("filename*=UTF-8''a%C0%80b.txt"), {ct}, "overlong NUL");
  expect_refused(multipart_with("filename*=UTF-8''%C0%AFx.txt"), {ct}, "overlong '/'");
  expect_refused(multipart_with("filename*=UTF-8''%ED%A0%80.txt"), {ct}, "surrogate");
  expect_refused(multipart_with("filename*=UTF-8''%F4%90%80%80.txt"), {ct}, "above U+10FFFF");
}

TEST_F(UploadNames, ValidMultipartFilenameStarIsStored) {
  const HttpResponse r = upload(multipart_with("filename*=UTF-8''Zo%C3%AB%20%E2%82%AC.txt"),
                                {{"Content-Type", "multipart/form-data; boundary=BB"}});
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.json()["filename"], "Zo\xC3\xAB \xE2\x82\xAC.txt");
}
