#include "e2e/support.hpp"

#include "http/text/ascii.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace fs = std::filesystem;

namespace e2e {

namespace {
using keel::text::iequals;

std::string read_file(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

TempDir::TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "keel-e2e-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  path = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path, ec);
}

std::optional<std::string> HttpResponse::header(const std::string& name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return v;
  return std::nullopt;
}

nlohmann::json HttpResponse::json() const { return nlohmann::json::parse(body, nullptr, false); }

Conn::Conn(unsigned port, double timeout_s) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd_);
    fd_ = -1;
    return;
  }
  timeval tv{static_cast<time_t>(timeout_s),
             static_cast<suseconds_t>((timeout_s - static_cast<long>(timeout_s)) * 1e6)};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

Conn::~Conn() {
  if (fd_ >= 0) ::close(fd_);
}

bool Conn::send(const std::string& bytes) {
  if (fd_ < 0) return false;
  std::size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<std::size_t>(n);
  }
  return true;
}

void Conn::shutdown_write() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_WR);
}

bool Conn::fill() {
  char tmp[65536];
  ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
  if (n <= 0) return false;
  buf_.append(tmp, static_cast<std::size_t>(n));
  return true;
}

std::optional<HttpResponse> Conn::read_response(bool head) {
  if (fd_ < 0) return std::nullopt;
  for (;;) {
    std::size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos)
      if (!fill()) return std::nullopt;
    HttpResponse r;
    std::istringstream hs(buf_.substr(0, end));
    std::string line;
    std::getline(hs, line);
    if (line.size() < 12) return std::nullopt;
    r.status = std::atoi(line.substr(9, 3).c_str());
    r.status_line = line;
    if (!r.status_line.empty() && r.status_line.back() == '\r') r.status_line.pop_back();
    while (std::getline(hs, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      auto c = line.find(':');
      if (c == std::string::npos) continue;
      std::string v = line.substr(c + 1);
      while (!v.empty() && v.front() == ' ') v.erase(0, 1);
      r.headers.emplace_back(line.substr(0, c), v);
    }
    buf_.erase(0, end + 4);
    if (r.status >= 100 && r.status < 200) continue;  // 100 Continue: read the final one
    bool no_body = head || r.status == 204 || r.status == 304;
    if (no_body) return r;
    auto te = r.header("Transfer-Encoding");
    if (te && te->find("chunked") != std::string::npos) {
      for (;;) {
        std::size_t eol;
        while ((eol = buf_.find("\r\n")) == std::string::npos)
          if (!fill()) return std::nullopt;
        std::size_t size = std::stoul(buf_.substr(0, eol), nullptr, 16);
        buf_.erase(0, eol + 2);
        while (buf_.size() < size + 2)
          if (!fill()) return std::nullopt;
        r.body.append(buf_, 0, size);
        buf_.erase(0, size + 2);
        if (size == 0) break;
      }
      return r;
    }
    if (auto cl = r.header("Content-Length")) {
      std::size_t len = std::stoull(*cl);
      while (buf_.size() < len)
        if (!fill()) return std::nullopt;
      r.body = buf_.substr(0, len);
      buf_.erase(0, len);
      return r;
    }
    while (fill()) {}
    r.body = std::move(buf_);
    buf_.clear();
    return r;
  }
}

bool Conn::wait_closed(double timeout_s) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd_, POLLIN, 0};
    int r = ::poll(&p, 1, 100);
    if (r > 0) {
      char tmp[4096];
      ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
      if (n <= 0) return true;
      buf_.append(tmp, static_cast<std::size_t>(n));
    }
  }
  return false;
}

std::string serialize(const RequestSpec& r, bool keep_alive) {
  std::string s = r.method + " " + r.path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  bool has_len = false, has_conn = false;
  for (const auto& [k, v] : r.headers) {
    s += k + ": " + v + "\r\n";
    if (iequals(k, "Content-Length") || iequals(k, "Transfer-Encoding")) has_len = true;
    if (iequals(k, "Connection")) has_conn = true;
  }
  if (!has_len && (!r.body.empty() || r.method == "POST" || r.method == "PATCH" || r.method == "PUT"))
    s += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
  if (!has_conn && !keep_alive) s += "Connection: close\r\n";
  s += "\r\n";
  s += r.body;
  return s;
}

std::optional<HttpResponse> request(unsigned port, const RequestSpec& r) {
  Conn c(port);
  // A server may answer early (413, 401) and stop reading: the answer still counts.
  c.send(serialize(r));
  return c.read_response(r.method == "HEAD");
}

HttpResponse get(unsigned port, const std::string& path, std::vector<std::pair<std::string, std::string>> headers) {
  auto r = request(port, RequestSpec{"GET", path, std::move(headers), ""});
  if (!r) throw std::runtime_error("no response for GET " + path);
  return *r;
}

Keel::Keel(std::map<std::string, std::string> env) : Keel(std::move(env), std::vector<std::string>{}) {}

Keel::Keel(std::map<std::string, std::string> env, std::vector<std::string> args) {
  fs::create_directories(data_dir());
  fs::create_directories(static_dir());
  std::map<std::string, std::string> full = {
      {"KEEL_PORT", "0"},
      {"KEEL_HOST", "127.0.0.1"},
      {"KEEL_DATA_DIR", data_dir()},
      {"KEEL_STATIC_DIR", static_dir()},
      {"KEEL_ENABLE_TEST_ROUTES", "1"},
      {"KEEL_THREADS", "2"},
      {"KEEL_LOG_LEVEL", "info"},
      {"KEEL_SHUTDOWN_GRACE_S", "10"},
      // The shared test database starts empty; migrations take a lock, so
      // keels starting together migrate it once.
      {"KEEL_AUTO_MIGRATE", "1"},
      // Tests book fixed dates years ahead (2030 ...): the longest horizon.
      {"KEEL_BOOKING_HORIZON_DAYS", "3650"},
  };
  if (auto u = test_db_url(); !u.empty()) full["KEEL_DB_URL"] = u;
  for (auto& [k, v] : env) full[k] = v;
  std::string logpath = dir_.path + "/keel.log";
  pid_ = ::fork();
  if (pid_ == 0) {
    int fd = ::open(logpath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, 1);
    ::dup2(fd, 2);
    ::close(fd);
    ::setpgid(0, 0);
    for (auto& [k, v] : full) ::setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> argv;
    std::string bin = KEEL_BINARY;
    argv.push_back(bin.data());
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(bin.c_str(), argv.data());
    _exit(127);
  }
  std::regex re(R"(listening on http://[0-9.]+:([0-9]+))");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch m;
    std::string text = read_file(logpath);
    if (std::regex_search(text, m, re)) {
      port_ = static_cast<unsigned>(std::stoul(m[1]));
      return;
    }
    int status;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("keel exited at start:\n" + text);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("keel did not start listening within 30 s:\n" + read_file(logpath));
}

Keel::~Keel() {
  // A graceful stop, so sanitizer builds run their leak check at exit.
  if (pid_ > 0) stop(SIGTERM, 20);
  std::string text = log();
  for (const char* marker : {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"}) {
    if (text.find(marker) != std::string::npos) {
      ADD_FAILURE() << "sanitizer report from keel:\n" << text.substr(text.find(marker), 6000);
      break;
    }
  }
}

std::string Keel::log() const { return read_file(dir_.path + "/keel.log"); }

bool Keel::running() {
  if (pid_ <= 0) return false;
  int status;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

int Keel::stop(int sig, double timeout_s) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, sig);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      if (WIFEXITED(status)) return WEXITSTATUS(status);
      return 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return -9;
}

std::pair<int, std::string> Keel::run(std::vector<std::string> args, std::map<std::string, std::string> env,
                                      double timeout_s) {
  TempDir d;
  std::string cmd = "cd " + d.path + " && env";
  if (auto u = test_db_url(); !u.empty() && !env.count("KEEL_DB_URL")) env["KEEL_DB_URL"] = u;
  for (auto& [k, v] : env) cmd += " '" + k + "=" + v + "'";
  cmd += " timeout " + std::to_string(static_cast<int>(timeout_s)) + " " + std::string(KEEL_BINARY);
  for (auto& a : args) cmd += " '" + a + "'";
  cmd += " 2>&1";
  return sh(cmd);
}

std::pair<int, std::string> sh(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return {-1, ""};
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int st = ::pclose(p);
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, out};
}

std::string test_db_url() {
  const char* u = std::getenv("KEEL_TEST_DB_URL");
  return u ? u : "";
}

namespace {
struct UrlParts {
  std::string user, pass, host, port, db;
};
UrlParts split_url(const std::string& url) {
  std::regex re(R"(mysql://([^:]+):([^@]*)@([^:/]+):([0-9]+)/(.*))");
  std::smatch m;
  if (!std::regex_match(url, m, re)) throw std::runtime_error("bad KEEL_TEST_DB_URL: " + url);
  return {m[1], m[2], m[3], m[4], m[5]};
}
std::string client_cmd(const UrlParts& u, const std::string& db) {
  return "mariadb --no-defaults --protocol=tcp -h " + u.host + " -P " + u.port + " -u " + u.user + " -p" + u.pass +
         " -N -B " + db;
}
}  // namespace

TestDatabase::TestDatabase() {
  std::string base = test_db_url();
  if (base.empty()) throw std::runtime_error("KEEL_TEST_DB_URL is not set: run the tests through scripts/test");
  auto u = split_url(base);
  name = "keel_t_" + random_hex(6);
  auto [rc, out] = sh("echo 'CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci' | " +
                      client_cmd(u, "") + " 2>&1");
  if (rc != 0) throw std::runtime_error("cannot create test database: " + out);
  url = "mysql://" + u.user + ":" + u.pass + "@" + u.host + ":" + u.port + "/" + name;
}

TestDatabase::~TestDatabase() {
  if (name.empty()) return;
  auto u = split_url(test_db_url());
  sh("echo 'DROP DATABASE IF EXISTS " + name + "' | " + client_cmd(u, "") + " >/dev/null 2>&1");
}

std::pair<int, std::string> TestDatabase::sql(const std::string& statement) const {
  auto u = split_url(test_db_url());
  std::string path = (fs::temp_directory_path() / ("keel-sql-" + random_hex(6) + ".sql")).string();
  {
    std::ofstream f(path);
    f << statement << "\n";
  }
  auto r = sh(client_cmd(u, name) + " < " + path + " 2>&1");
  fs::remove(path);
  return r;
}

void open_service(const std::string& db_url, const std::string& slug, int step_min) {
  std::string durations = "[";
  for (int m = 15; m <= 480; m += 15) durations += (m > 15 ? "," : "") + std::to_string(m);
  durations += "]";
  std::string hours = "{";
  for (const char* d : {"mon", "tue", "wed", "thu", "fri", "sat", "sun"})
    hours += std::string(hours.size() > 1 ? "," : "") + "\"" + d + "\":[[\"00:00\",\"24:00\"]]";
  hours += "}";
  const auto u = split_url(db_url);
  TempDir dir;
  const std::string path = dir.path + "/open_service.sql";
  std::ofstream(path) << "INSERT IGNORE INTO services (slug, name, durations, opening_hours, closed_dates, "
                         "slot_step_min) VALUES ('"
                      << slug << "', '" << slug << "', '" << durations << "', '" << hours << "', '[]', " << step_min
                      << ");\n";
  auto [rc, out] = sh(client_cmd(u, u.db) + " < " + path + " 2>&1");
  if (rc != 0) throw std::runtime_error("open_service " + slug + ": " + out);
}

void open_service(const TestDatabase& db, const std::string& slug, int step_min) {
  open_service(db.url, slug, step_min);
}

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> b(bytes);
  RAND_bytes(b.data(), static_cast<int>(bytes));
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (auto c : b) {
    s += hex[c >> 4];
    s += hex[c & 15];
  }
  return s;
}

std::string sha256_hex(const std::string& data) {
  unsigned char md[32];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  static const char* hex = "0123456789abcdef";
  std::string s;
  for (unsigned i = 0; i < len; ++i) {
    s += hex[md[i] >> 4];
    s += hex[md[i] & 15];
  }
  return s;
}

unsigned free_port_outside_ephemeral() {
  unsigned low = 32768;
  if (std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range"); range) range >> low;
  const unsigned first = low > 12000 ? low - 12000 : 1024;  // e.g. 20768..32767
  for (int attempt = 0; attempt < 200; ++attempt) {
    unsigned port = first + static_cast<unsigned>(std::stoul(random_hex(2), nullptr, 16)) % (low - first);
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    if (free) return port;
  }
  throw std::runtime_error("no free port below the ephemeral range");
}

std::size_t count_files(const std::string& dir) {
  std::size_t n = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       it != std::filesystem::recursive_directory_iterator(); ++it)
    if (it->is_regular_file()) ++n;
  return n;
}

}  // namespace e2e
