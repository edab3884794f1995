// /openapi.json, /docs (Swagger UI) and /redoc (ReDoc) against the real
// binary: the document validates as OpenAPI 3.1 (node + the pinned
// validator in docs/), every documented operation is routed, the pages and
// their assets are served by keel (ETags, long-lived caching, offline), and
// Debian's headless Chromium uses Swagger UI's "Try it out" to create a
// booking. The node tools come from scripts/docs-assets (npm ci in docs/).
//   KEEL_UPDATE_SCREENSHOTS=1  write docs/swagger-ui.png and docs/redoc.png
//                              (else the screenshots go to a temp folder)
#include "e2e/support.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

using namespace e2e;
using nlohmann::json;

namespace {

namespace fs = std::filesystem;

const std::string kDocsDir = std::string(KEEL_SOURCE_DIR) + "/docs";

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

// Why the node tools cannot run, or empty.
std::string node_tools_missing() {
  if (sh("command -v node >/dev/null 2>&1").first != 0) return "node is not installed (Debian: nodejs)";
  if (!fs::exists(kDocsDir + "/node_modules/@apidevtools/swagger-parser") ||
      !fs::exists(kDocsDir + "/node_modules/playwright-core"))
    return "docs/node_modules is missing: run scripts/docs-assets";
  return {};
}

std::string keel_version() {
  auto [rc, out] = Keel::run({"--version"});
  std::smatch m;
  std::regex re(R"(keel ([^\s]+))");
  if (rc != 0 || !std::regex_search(out, m, re)) return "?";
  return m[1];
}

std::string concrete(const std::string& path, const json& op) {
  // {name} -> a value of the parameter's type.
  std::string out;
  std::regex re(R"(\{([^}]+)\})");
  std::sregex_iterator it(path.begin(), path.end(), re), end;
  std::size_t last = 0;
  for (; it != end; ++it) {
    out += path.substr(last, static_cast<std::size_t>(it->position()) - last);
    std::string type = "string";
    for (const auto& p : op.value("parameters", json::array()))
      if (p["in"] == "path" && p["name"] == (*it)[1].str()) type = p["schema"].value("type", "string");
    out += type == "integer" ? "1" : "x";
    last = static_cast<std::size_t>(it->position() + it->length());
  }
  return out + path.substr(last);
}

std::set<std::string> split_allow(const std::string& allow) {
  std::set<std::string> out;
  std::regex re(R"([A-Z]+)");
  for (std::sregex_iterator it(allow.begin(), allow.end(), re), end; it != end; ++it) out.insert(it->str());
  return out;
}

class Docs : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { keel_ = new Keel(); }
  static void TearDownTestSuite() {
    delete keel_;
    keel_ = nullptr;
  }
  static unsigned port() { return keel_->port(); }
  static Keel* keel_;
};
Keel* Docs::keel_ = nullptr;

}  // namespace

TEST_F(Docs, OpenApiJsonHasVersionEtagAndHead) {
  auto r = get(port(), "/openapi.json");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("Content-Type").value_or(""), "application/json");
  json doc = r.json();
  EXPECT_EQ(doc["openapi"], "3.1.0");
  EXPECT_EQ(doc["info"]["title"], "keel");
  EXPECT_EQ(doc["info"]["version"], keel_version());
  EXPECT_FALSE(doc["paths"].contains("/openapi.json"));
  EXPECT_FALSE(doc["paths"].contains("/docs"));
  EXPECT_FALSE(doc["paths"].contains("/redoc"));
  EXPECT_FALSE(doc["paths"].contains("/api/_test/throw"));

  auto etag = r.header("ETag");
  ASSERT_TRUE(etag);
  auto again = get(port(), "/openapi.json", {{"If-None-Match", *etag}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  auto head = request(port(), {"HEAD", "/openapi.json", {}, ""});
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("Content-Length").value_or(""), std::to_string(r.body.size()));
}

// Every documented operation is routed: asked with a method its path does
// not document, the router answers 405 and its Allow lists at least the
// documented methods (a documented route that did not exist would be 404).
// The other direction (no undocumented route) is tests/unit/test_openapi.cpp,
// against the router's table.
TEST_F(Docs, EveryDocumentedOperationIsRouted) {
  json doc = get(port(), "/openapi.json").json();
  int checked = 0;
  for (const auto& [path, item] : doc["paths"].items()) {
    std::set<std::string> methods;
    json any_op;
    for (const auto& [method, op] : item.items()) {
      std::string m = method;
      for (auto& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      methods.insert(m);
      any_op = op;
    }
    if (methods.count("GET")) methods.insert("HEAD");
    std::string probe;
    for (const char* m : {"PUT", "DELETE", "PATCH", "POST", "GET"})
      if (!methods.count(m)) {
        probe = m;
        break;
      }
    ASSERT_FALSE(probe.empty()) << path;
    std::string url = concrete(path, any_op);
    auto r = request(port(), {probe, url, {{"Content-Length", "0"}}, ""});
    ASSERT_TRUE(r) << probe << " " << url;
    ASSERT_EQ(r->status, 405) << probe << " " << url << ": " << r->body;
    auto allow = split_allow(r->header("Allow").value_or(""));
    for (const auto& m : methods)
      EXPECT_TRUE(allow.count(m)) << path << ": documents " << m << ", Allow: " << *r->header("Allow");
    ++checked;
  }
  EXPECT_GE(checked, 8);
}

TEST_F(Docs, DocumentValidatesAsOpenApi31) {
  if (auto why = node_tools_missing(); !why.empty()) FAIL() << why;
  auto r = get(port(), "/openapi.json");
  ASSERT_EQ(r.status, 200);
  TempDir tmp;
  std::string file = tmp.path + "/openapi.json";
  std::ofstream(file) << r.body;
  auto [rc, out] = sh("cd " + quote(kDocsDir) + " && node validate-openapi.mjs " + quote(file) + " --version " +
                      quote(keel_version()) + " 2>&1");
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("openapi: valid"), std::string::npos) << out;
}

TEST_F(Docs, PagesAndAssetsAreServedByKeelWithCaching) {
  for (const char* page : {"/docs", "/redoc"}) {
    auto r = get(port(), page);
    ASSERT_EQ(r.status, 200) << page << ": " << r.body;
    EXPECT_EQ(r.header("Content-Type").value_or(""), "text/html; charset=utf-8");
    EXPECT_EQ(r.body.find("http://"), std::string::npos) << "no CDN: " << r.body;
    EXPECT_EQ(r.body.find("https://"), std::string::npos) << "no CDN: " << r.body;
    EXPECT_NE(r.body.find("openapi.json"), std::string::npos);
    std::regex re(R"re((?:src|href)="(docs/assets/[^"?]+)\?v=([0-9a-f]+)")re");
    int assets = 0;
    for (std::sregex_iterator it(r.body.begin(), r.body.end(), re), end; it != end; ++it) {
      std::string url = "/" + (*it)[1].str() + "?v=" + (*it)[2].str();
      auto a = get(port(), url);
      ASSERT_EQ(a.status, 200) << url;
      EXPECT_GT(a.body.size(), 100u) << url;
      EXPECT_EQ(a.header("Cache-Control").value_or(""), "public, max-age=31536000, immutable") << url;
      auto etag = a.header("ETag");
      ASSERT_TRUE(etag) << url;
      EXPECT_EQ(get(port(), url, {{"If-None-Match", *etag}}).status, 304) << url;
      if (url.find(".js") != std::string::npos) {
        EXPECT_EQ(a.header("Content-Type").value_or(""), "text/javascript; charset=utf-8");
      }
      if (url.find(".css") != std::string::npos) {
        EXPECT_EQ(a.header("Content-Type").value_or(""), "text/css; charset=utf-8");
      }
      ++assets;
    }
    EXPECT_GE(assets, 2) << page << " loads its script (and style or icon) from keel: " << r.body;
  }
  // Without the current ?v= token: revalidate each time.
  auto plain = get(port(), "/docs/assets/swagger-ui.css");
  ASSERT_EQ(plain.status, 200);
  EXPECT_EQ(plain.header("Cache-Control").value_or(""), "public, no-cache");
  // The file sender's semantics: ranges, HEAD.
  auto part = get(port(), "/docs/assets/swagger-ui.css", {{"Range", "bytes=0-9"}});
  EXPECT_EQ(part.status, 206);
  EXPECT_EQ(part.body, plain.body.substr(0, 10));
  auto head = request(port(), {"HEAD", "/redoc", {}, ""});
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_TRUE(head->body.empty());
  // Nothing outside the assets folder.
  for (const char* bad : {"/docs/assets/%2e%2e/package.json", "/docs/assets/..%2fpackage.json", "/docs/assets/.keep",
                          "/docs/assets/nope.js", "/docs/assets/%2e%2e/%2e%2e/CMakeLists.txt"})
    EXPECT_EQ(get(port(), bad).status, 404) << bad;
}

TEST(DocsConfig, DocsOffTurnsEveryDocsRouteOff) {
  Keel keel(std::map<std::string, std::string>{{"KEEL_DOCS", "0"}});
  for (const char* path : {"/openapi.json", "/docs", "/redoc", "/docs/assets/swagger-ui.css"}) {
    auto r = get(keel.port(), path);
    EXPECT_EQ(r.status, 404) << path;
    EXPECT_EQ(r.json()["detail"], "Not Found") << path;
  }
  EXPECT_EQ(get(keel.port(), "/api/health/memory").status, 200);
}

TEST(DocsConfig, MissingAssetsAnswer503WithAHint) {
  TempDir empty;
  Keel keel(std::map<std::string, std::string>{{"KEEL_DOCS_ASSETS_DIR", empty.path}});
  auto d = get(keel.port(), "/docs");
  EXPECT_EQ(d.status, 503);
  EXPECT_NE(d.json()["detail"].get<std::string>().find("scripts/docs-assets"), std::string::npos) << d.body;
  EXPECT_EQ(get(keel.port(), "/docs/assets/swagger-ui.css").status, 404);
  EXPECT_EQ(get(keel.port(), "/openapi.json").status, 200) << "the document needs no assets";
  EXPECT_NE(keel.log().find("assets not found"), std::string::npos) << keel.log();
}

// A real browser: Debian's Chromium, headless, through playwright-core.
TEST(DocsBrowser, SwaggerUiTryItOutCreatesABookingAndRedocRenders) {
  if (auto why = node_tools_missing(); !why.empty()) FAIL() << why;
  if (!fs::exists("/usr/bin/chromium")) FAIL() << "chromium is not installed (Debian: apt-get install chromium)";
  TestDatabase db;
  Keel keel(std::map<std::string, std::string>{{"KEEL_DB_URL", db.url}, {"KEEL_AUTO_MIGRATE", "1"}});
  open_service(db, "swagger-ui-check");  // the service browser-check.mjs books
  TempDir shots_tmp;
  const char* update = std::getenv("KEEL_UPDATE_SCREENSHOTS");
  std::string shots = update && std::string(update) == "1" ? kDocsDir : shots_tmp.path;
  std::string cmd = "cd " + quote(kDocsDir) +
                    " && timeout 240 node browser-check.mjs --base http://127.0.0.1:" + std::to_string(keel.port()) +
                    " --screenshots " + quote(shots) + " 2>&1";
  auto [rc, out] = sh(cmd);
  EXPECT_EQ(rc, 0) << out << "\n--- keel log ---\n" << keel.log();
  EXPECT_NE(out.find("browser: all checks passed"), std::string::npos) << out;
  EXPECT_NE(out.find("POST /api/bookings -> 201"), std::string::npos) << out;
  EXPECT_NE(keel.log().find("POST /api/bookings 201"), std::string::npos) << keel.log();
  for (const char* name : {"swagger-ui.png", "redoc.png"}) {
    std::ifstream f(shots + "/" + name, std::ios::binary);
    std::string head(8, '\0');
    f.read(head.data(), 8);
    EXPECT_EQ(head, std::string("\x89PNG\r\n\x1a\n", 8)) << name;
    EXPECT_GT(fs::file_size(shots + "/" + name), 20000u) << name;
  }
}
