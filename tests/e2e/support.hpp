#pragma once
// E2e support: start the real keel binary on an ephemeral port with its own
// throwaway folders, and talk HTTP/1.1 to it over plain sockets (so tests can
// also be hostile: half headers, lying lengths, disconnects).
#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace e2e {

using Env = std::map<std::string, std::string>;

// A temporary folder removed (recursively) on destruction.
struct TempDir {
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string path;
};

struct HttpResponse {
  int status = 0;
  std::string status_line;  // e.g. "HTTP/1.1 200 OK"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::optional<std::string> header(const std::string& name) const;
  nlohmann::json json() const;
};

// One client connection.
class Conn {
 public:
  explicit Conn(unsigned port, double timeout_s = 10);
  ~Conn();
  Conn(const Conn&) = delete;
  Conn& operator=(const Conn&) = delete;
  bool send(const std::string& bytes);  // false when the peer is gone
  // Reads one response; for HEAD requests pass head=true (no body follows).
  std::optional<HttpResponse> read_response(bool head = false);
  // True when the server closed the connection (read returns EOF or reset)
  // within the timeout.
  bool wait_closed(double timeout_s);
  void shutdown_write();
  int fd() const { return fd_; }

 private:
  bool fill();  // reads more into buf_; false on EOF/error
  int fd_ = -1;
  std::string buf_;
};

struct RequestSpec {
  std::string method = "GET";
  std::string path = "/";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};
std::string serialize(const RequestSpec& r, bool keep_alive = false);
std::optional<HttpResponse> request(unsigned port, const RequestSpec& r);
HttpResponse get(unsigned port, const std::string& path, std::vector<std::pair<std::string, std::string>> headers = {});

// The keel process under test.
class Keel {
 public:
  // env: KEEL_* overrides. Defaults: port 0, data and static dirs in a
  // private temp folder, test routes enabled, a 3650-day booking horizon.
  explicit Keel(std::map<std::string, std::string> env = {});
  Keel(std::map<std::string, std::string> env, std::vector<std::string> args);
  ~Keel();
  Keel(const Keel&) = delete;
  Keel& operator=(const Keel&) = delete;

  unsigned port() const { return port_; }
  int pid() const { return pid_; }
  const std::string& dir() const { return dir_.path; }
  std::string data_dir() const { return dir_.path + "/data"; }
  std::string static_dir() const { return dir_.path + "/static"; }
  std::string log() const;
  // Sends sig and waits for the exit; returns the exit code (or 128+signal).
  int stop(int sig = 15, double timeout_s = 40);
  bool running();
  // Runs keel with args to completion (e.g. "migrate", "--help"); returns
  // {exit code, combined output}.
  static std::pair<int, std::string> run(std::vector<std::string> args, std::map<std::string, std::string> env = {},
                                         double timeout_s = 60);

 private:
  TempDir dir_;
  int pid_ = -1;
  unsigned port_ = 0;
};

// Runs a shell command; returns {exit code, stdout}.
std::pair<int, std::string> sh(const std::string& cmd);
// The database URL scripts/test prepared, or empty.
std::string test_db_url();
// Creates a fresh database on the test server; returns its URL. Dropped by
// the returned guard's destructor.
struct TestDatabase {
  TestDatabase();
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;
  std::string url;  // mysql://user:pass@host:port/name
  std::string name;
  // Runs SQL through the mariadb client against this database.
  std::pair<int, std::string> sql(const std::string& statement) const;
};

// A catalogue entry `slug` (also its name) open every day all day, any
// multiple of 15 minutes from 15 to 480, no buffers, a 15-minute grid: what
// migration 0006 makes of a pre-catalogue service, for tests whose subject
// is not the catalogue. Needs the schema (a keel started on `db` with
// KEEL_AUTO_MIGRATE=1). Throws when the insert fails.
// `step_min` other than 15 makes its slot grid finer or coarser.
void open_service(const TestDatabase& db, const std::string& slug, int step_min = 15);
void open_service(const std::string& db_url, const std::string& slug, int step_min = 15);

std::string random_hex(std::size_t bytes);
// A free loopback port for a server a test starts later, below the kernel's
// ephemeral range: a client retrying a connect to a port in that range with
// nothing listening can be given the same port as its source and connect
// to itself (TCP simultaneous open), and the server then cannot bind it.
unsigned free_port_outside_ephemeral();
std::string sha256_hex(const std::string& data);
// Regular files below `dir` (a data folder: what an upload left behind).
std::size_t count_files(const std::string& dir);

}  // namespace e2e
