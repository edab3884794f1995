#include "services/docs/assets.hpp"

#include "services/crypto/sha256.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <filesystem>

namespace keel {

namespace {

namespace fs = std::filesystem;

// Files the pages load; scripts/docs-assets copies them.
const char* const kAssetFiles[] = {"swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png",
                                   "redoc.standalone.js"};

bool holds_assets(const std::string& dir) {
  std::error_code ec;
  return !dir.empty() && fs::is_regular_file(fs::path(dir) / "swagger-ui-bundle.js", ec);
}

std::string exe_dir() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return {};
  buf[n] = '\0';
  return fs::path(buf).parent_path().string();
}

}  // namespace

std::vector<std::string> docs_assets_candidates() {
  std::vector<std::string> out;
  if (std::string d = exe_dir(); !d.empty()) {
    out.push_back(fs::path(d).parent_path().string() + "/docs/assets");
    out.push_back(d + "/docs/assets");
    out.push_back(fs::path(d).parent_path().string() + "/share/keel/docs/assets");
  }
  out.push_back("./docs/assets");
  // This file is <source>/services/docs/assets.cpp (when the compiler was
  // given its absolute path).
  fs::path self(__FILE__);
  if (self.is_absolute()) out.push_back((self.parent_path().parent_path().parent_path() / "docs" / "assets").string());
  return out;
}

std::string find_docs_assets_dir(const std::string& configured) {
  std::error_code ec;
  if (!configured.empty()) {
    if (!holds_assets(configured)) return {};
    return fs::weakly_canonical(configured, ec).string();
  }
  for (const auto& c : docs_assets_candidates()) {
    if (!holds_assets(c)) continue;
    fs::path p = fs::weakly_canonical(c, ec);
    return ec ? c : p.string();
  }
  return {};
}

std::string docs_assets_token(const std::string& dir) {
  if (dir.empty()) return "none";
  Sha256 h;
  for (const char* name : kAssetFiles) {
    struct stat st {};
    std::string p = dir + "/" + name;
    if (::stat(p.c_str(), &st) != 0) continue;
    h.update(std::string(name) + " " + std::to_string(st.st_size) + " " + std::to_string(st.st_mtim.tv_sec) + "." +
             std::to_string(st.st_mtim.tv_nsec) + "\n");
  }
  return h.finish_hex().substr(0, 16);
}

}  // namespace keel
