#include "e2e/redis_support.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace e2e {

std::string test_redis_url() {
  const char* v = std::getenv("KEEL_TEST_REDIS_URL");
  return v ? v : "";
}

RedisServer::RedisServer(std::string password) : password_(std::move(password)) {
  port_ = free_port_outside_ephemeral();
  start();
}

RedisServer::~RedisServer() {
  if (pid_ > 0) kill();
}

std::string RedisServer::url(unsigned db) const {
  std::string auth = password_.empty() ? "" : ":" + password_ + "@";
  return "redis://" + auth + "127.0.0.1:" + std::to_string(port_) + "/" + std::to_string(db);
}

void RedisServer::start() {
  if (pid_ > 0) throw std::logic_error("redis-server already running");
  const std::string port = std::to_string(port_);
  const std::string log = dir_.path + "/redis.log";
  std::vector<std::string> args = {"redis-server", "--port",  port,         "--bind",       "127.0.0.1",
                                   "--dir",        dir_.path, "--save",     "",             "--appendonly",
                                   "no",           "--daemonize", "no",     "--logfile",    log};
  if (!password_.empty()) {
    args.push_back("--requirepass");
    args.push_back(password_);
  }
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    ::execvp("redis-server", argv.data());
    ::_exit(127);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("redis-server exited at start (is it installed? port " + port + " in use?)");
    }
    auto [rc, out] = cli("ping");
    if (rc == 0 && out.find("PONG") != std::string::npos) return;
    ::usleep(20 * 1000);
  }
  kill();
  throw std::runtime_error("redis-server did not answer PING within 10 s");
}

void RedisServer::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::pair<int, std::string> RedisServer::cli(const std::string& args) const {
  std::string auth = password_.empty() ? "" : " --no-auth-warning -a '" + password_ + "'";
  return sh("redis-cli -h 127.0.0.1 -p " + std::to_string(port_) + auth + " " + args + " 2>&1");
}

std::size_t RedisServer::client_count() const {
  auto [rc, out] = cli("client list");
  if (rc != 0) throw std::runtime_error("redis-cli client list failed: " + out);
  std::size_t n = 0;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);)
    if (line.find("id=") == 0 && line.find("cmd=client|list") == std::string::npos) n++;
  return n;
}

SilentServer::SilentServer() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(listen_fd_, 16) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    throw std::runtime_error("silent server: bind/listen failed");
  port_ = ntohs(a.sin_port);
  thread_ = std::thread([this] {
    std::map<int, bool> conns;  // fd -> answers PING
    while (!stop_) {
      std::vector<pollfd> fds{{listen_fd_, POLLIN, 0}};
      for (auto& [fd, answers] : conns) fds.push_back({fd, POLLIN, 0});
      if (::poll(fds.data(), fds.size(), 50) <= 0) continue;
      if (fds[0].revents & POLLIN) {
        int c = ::accept(listen_fd_, nullptr, nullptr);
        if (c >= 0) {
          conns[c] = answering_.load();
          accepted_++;
        }
      }
      for (std::size_t i = 1; i < fds.size(); ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        char buf[4096];
        ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
        if (n <= 0) {
          ::close(fds[i].fd);
          conns.erase(fds[i].fd);
          continue;
        }
        if (!conns[fds[i].fd]) continue;
        std::string got(buf, static_cast<std::size_t>(n));
        for (auto at = got.find("PING\r\n"); at != std::string::npos; at = got.find("PING\r\n", at + 1))
          if (::write(fds[i].fd, "+PONG\r\n", 7) != 7) break;
      }
    }
    for (auto& [fd, answers] : conns) ::close(fd);
  });
}

SilentServer::~SilentServer() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  ::close(listen_fd_);
}

}  // namespace e2e
