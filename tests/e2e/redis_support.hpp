#pragma once
// A real redis-server for a test: started on a free loopback port in a
// temporary folder (no persistence), stopped by its PID. Restartable on the
// same port, so tests can take Redis away and bring it back. Also a fake
// Redis that accepts connections and answers nothing (timeouts).
#include "e2e/support.hpp"

#include <atomic>
#include <string>
#include <thread>

namespace e2e {

// The Redis URL scripts/test prepared (KEEL_TEST_REDIS_URL), or empty: for
// tests that only need some Redis; those that kill it start their own.
std::string test_redis_url();

class RedisServer {
 public:
  // password: non-empty starts it with --requirepass.
  explicit RedisServer(std::string password = "");
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  unsigned port() const { return port_; }
  int pid() const { return pid_; }
  // redis://[:password@]127.0.0.1:PORT/db
  std::string url(unsigned db = 0) const;
  // SIGKILL and wait: what a crash looks like to clients.
  void kill();
  // Starts again on the same port (after kill()); waits for PONG.
  void start();
  bool running() const { return pid_ > 0; }
  // Runs redis-cli against it; returns {exit code, output}.
  std::pair<int, std::string> cli(const std::string& args) const;
  // Client connections (CLIENT LIST) but the redis-cli asking.
  std::size_t client_count() const;

 private:
  TempDir dir_;
  std::string password_;
  unsigned port_ = 0;
  int pid_ = -1;
};

// Accepts TCP connections on a free port, reads and discards what arrives,
// answers nothing. accepted() counts connections.
class SilentServer {
 public:
  SilentServer();
  ~SilentServer();
  SilentServer(const SilentServer&) = delete;
  SilentServer& operator=(const SilentServer&) = delete;
  unsigned port() const { return port_; }
  int accepted() const { return accepted_.load(); }
  // From the next connection on, answer every PING with +PONG (the
  // "recovered" server).
  void start_answering() { answering_ = true; }

 private:
  int listen_fd_ = -1;
  unsigned port_ = 0;
  std::atomic<int> accepted_{0};
  std::atomic<bool> answering_{false};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace e2e
