#pragma once
// Helpers for the integration tests of services/db against a real MariaDB.
// KEEL_TEST_DB_URL: a user that may CREATE/DROP DATABASE, KILL and read
// PROCESSLIST (scripts/dev-db's keel user). KEEL_DEV_DB_SCRIPT: path to
// scripts/dev-db (with KEEL_DEV_DB_DIR/PORT set) for the restart tests.
#include "http/blocking.hpp"
#include "services/db/connection.hpp"
#include "services/db/url.hpp"

#include <cppconn/connection.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <gtest/gtest.h>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <cstdlib>
#include <exception>
#include <functional>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace keel::db::test {

namespace asio = boost::asio;

inline DbUrl admin_url() {
  const char* env = std::getenv("KEEL_TEST_DB_URL");
  auto url = parse_db_url(env ? env : "mysql://keel:keel@127.0.0.1:3399/keel");
  if (!url) throw std::runtime_error("bad KEEL_TEST_DB_URL");
  return *url;
}

inline std::unique_ptr<sql::Connection> connect(const DbUrl& url) {
  std::int64_t started = 0;
  return open_connection(url, ConnectOptions{}, started);
}

inline void exec(sql::Connection& c, const std::string& q) {
  std::unique_ptr<sql::Statement> st(c.createStatement());
  st->execute(q);
}

inline std::int64_t query_int(sql::Connection& c, const std::string& q) {
  std::unique_ptr<sql::Statement> st(c.createStatement());
  std::unique_ptr<sql::ResultSet> rs(st->executeQuery(q));
  if (!rs->next()) throw std::runtime_error("no row: " + q);
  return rs->getInt64(1);
}

inline std::string query_string(sql::Connection& c, const std::string& q) {
  std::unique_ptr<sql::Statement> st(c.createStatement());
  std::unique_ptr<sql::ResultSet> rs(st->executeQuery(q));
  if (!rs->next()) throw std::runtime_error("no row: " + q);
  return rs->getString(1);
}

// Runs a coroutine to completion on an io_context driven by `threads` threads;
// rethrows what it throws.
inline void run_io(std::function<asio::awaitable<void>()> body, int threads = 1) {
  asio::io_context io;
  std::exception_ptr error;
  asio::co_spawn(io, body(), [&](std::exception_ptr e) { error = e; });
  std::vector<std::thread> extra;
  for (int i = 1; i < threads; ++i) extra.emplace_back([&] { io.run(); });
  io.run();
  for (auto& t : extra) t.join();
  if (error) std::rethrow_exception(error);
}

inline asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::use_awaitable);
}

// Each test gets its own database, dropped at the end.
class DbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    admin_ = admin_url();
    std::random_device rd;
    std::uniform_int_distribution<std::uint64_t> dist;
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(dist(rd)));
    db_name_ = std::string("keel_t_") + buf;
    auto c = connect(admin_);
    exec(*c, "CREATE DATABASE " + db_name_ + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
    url_ = admin_;
    url_.database = db_name_;
  }
  void TearDown() override {
    try {
      auto c = connect(admin_);
      exec(*c, "DROP DATABASE IF EXISTS " + db_name_);
    } catch (const std::exception& e) { ADD_FAILURE() << "dropping " << db_name_ << ": " << e.what(); }
  }

  // Sessions (other than the caller's) connected to this test's database.
  std::int64_t sessions_in_db() {
    auto c = connect(admin_);
    return query_int(*c, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE DB = '" + db_name_ + "'");
  }

  // Polls until sessions_in_db() == n (closing is asynchronous on the server).
  bool wait_sessions(std::int64_t n, std::chrono::milliseconds within = std::chrono::seconds(3)) {
    const auto until = std::chrono::steady_clock::now() + within;
    while (true) {
      if (sessions_in_db() == n) return true;
      if (std::chrono::steady_clock::now() > until) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  DbUrl admin_;
  DbUrl url_;
  std::string db_name_;
};

// scripts/dev-db, when the environment names it (restart tests).
inline const char* dev_db_script() { return std::getenv("KEEL_DEV_DB_SCRIPT"); }

inline void dev_db(const std::string& command) {
  const std::string cmd = std::string(dev_db_script()) + " " + command + " >/dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("dev-db " + command + " failed");
}

}  // namespace keel::db::test
