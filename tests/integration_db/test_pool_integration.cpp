// keel::db::Pool against a real MariaDB: sizes, overflow, waiting, timeouts,
// pre-ping and reconnect, server restart, recycle, reset on return.
#include "db_test_support.hpp"
#include "services/db/errors.hpp"
#include "services/db/pool.hpp"

#include <cppconn/exception.h>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>

#include <atomic>
#include <mutex>

using namespace keel::db;
using namespace keel::db::test;
using namespace std::chrono_literals;
using boost::asio::awaitable;
using boost::asio::co_spawn;
using boost::asio::detached;

namespace {

// The exception an awaitable ends with, or null.
template <class T>
awaitable<std::exception_ptr> failure_of(awaitable<T> aw) {
  try {
    co_await std::move(aw);
  } catch (...) { co_return std::current_exception(); }
  co_return nullptr;
}

template <class E>
bool is(const std::exception_ptr& e) {
  if (!e) return false;
  try {
    std::rethrow_exception(e);
  } catch (const E&) { return true; } catch (...) {
    return false;
  }
}

// The driver's error code: of a SQL error, or of the DbUnavailable that
// Pool::run() makes of one that means the connection or server went away.
int sql_errno(const std::exception_ptr& e) {
  try {
    if (e) std::rethrow_exception(e);
  } catch (const sql::SQLException& x) { return x.getErrorCode(); } catch (const DbUnavailable& x) {
    return x.driver_code;
  } catch (...) {}
  return 0;
}

std::int64_t connection_id(sql::Connection& c) { return query_int(c, "SELECT CONNECTION_ID()"); }

// Holds a pooled connection for `d` (sleeping on the blocking pool).
awaitable<void> hold(Pool& pool, std::chrono::milliseconds d, std::atomic<int>* done = nullptr,
                     std::atomic<int>* started = nullptr) {
  co_await pool.run([d, started](sql::Connection& c) {
    query_int(c, "SELECT 1");
    if (started) ++*started;
    std::this_thread::sleep_for(d);
  });
  if (done) ++*done;
}

awaitable<void> wait_until(const std::function<bool()>& cond, std::chrono::milliseconds within = 5s) {
  const auto until = std::chrono::steady_clock::now() + within;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > until) throw std::runtime_error("condition not reached in time");
    co_await sleep_for(5ms);
  }
}

class PoolTest : public DbTest {
 protected:
  PoolConfig config(std::size_t size, std::size_t overflow, std::chrono::milliseconds timeout = 5s) {
    PoolConfig c;
    c.url = url_;
    c.pool_size = size;
    c.max_overflow = overflow;
    c.timeout = timeout;
    c.alive_bypass = 0ms;  // every checkout pre-pings, unless a test says otherwise
    return c;
  }
};

}  // namespace

TEST_F(PoolTest, RunReturnsValuesAndSetsUpTheSession) {
  keel::BlockingPool blocking(2);
  Pool pool(config(2, 2), blocking);
  run_io([&]() -> awaitable<void> {
    const std::string tz = co_await pool.run([](sql::Connection& c) { return query_string(c, "SELECT @@time_zone"); });
    EXPECT_EQ(tz, "+00:00");
    const std::string cs =
        co_await pool.run([](sql::Connection& c) { return query_string(c, "SELECT @@character_set_connection"); });
    EXPECT_EQ(cs, "utf8mb4");
    const std::string db = co_await pool.run([](sql::Connection& c) { return query_string(c, "SELECT DATABASE()"); });
    EXPECT_EQ(db, db_name_);
    // A result type that is not default-constructible.
    struct NoDefault {
      explicit NoDefault(int v) : v(v) {}
      int v;
    };
    const NoDefault n = co_await pool.run([](sql::Connection& c) { return NoDefault(int(query_int(c, "SELECT 7"))); });
    EXPECT_EQ(n.v, 7);
    co_await pool.run([](sql::Connection&) {});  // void
  });
  const auto s = pool.stats();
  EXPECT_EQ(s.checked_out, 0u);
  EXPECT_EQ(s.open, 1u);  // used one after the other: one connection
  EXPECT_EQ(s.idle, 1u);
}

TEST_F(PoolTest, OverflowThenWaitThenPoolTimeoutAndOverflowClosedOnReturn) {
  keel::BlockingPool blocking(6);
  Pool pool(config(2, 2, 300ms), blocking);
  run_io([&]() -> awaitable<void> {
    auto ex = co_await boost::asio::this_coro::executor;
    std::atomic<int> done{0}, started{0};
    for (int i = 0; i < 4; ++i) co_spawn(ex, hold(pool, 1500ms, &done, &started), detached);
    co_await wait_until([&] { return started == 4; });
    auto s = pool.stats();
    EXPECT_EQ(s.open, 4u);
    EXPECT_EQ(s.overflow_in_use, 2u);
    EXPECT_EQ(sessions_in_db(), 4);

    const auto t0 = std::chrono::steady_clock::now();
    auto e = co_await failure_of(pool.run([](sql::Connection& c) { return query_int(c, "SELECT 1"); }));
    const auto waited = std::chrono::steady_clock::now() - t0;
    EXPECT_TRUE(is<PoolTimeout>(e));
    EXPECT_GE(waited, 290ms);
    EXPECT_LT(waited, 1200ms);
    s = pool.stats();
    EXPECT_EQ(s.timeouts_total, 1u);
    EXPECT_EQ(s.waiting, 0u);
    EXPECT_EQ(s.checked_out, 4u);

    co_await wait_until([&] { return done == 4; });
    s = pool.stats();
    EXPECT_EQ(s.checked_out, 0u);
    EXPECT_EQ(s.open, 2u);
    EXPECT_EQ(s.idle, 2u);
    EXPECT_EQ(s.overflow_in_use, 0u);
  });
  EXPECT_TRUE(wait_sessions(2)) << "overflow connections were not closed";
  pool.close_all();
  EXPECT_TRUE(wait_sessions(0));
}

TEST_F(PoolTest, WaitersAreServedInArrivalOrder) {
  keel::BlockingPool blocking(4);
  Pool pool(config(1, 0, 5s), blocking);
  std::vector<int> order;
  std::mutex mu;
  run_io([&]() -> awaitable<void> {
    auto ex = co_await boost::asio::this_coro::executor;
    std::atomic<int> done{0};
    co_spawn(ex, hold(pool, 300ms, &done), detached);
    co_await wait_until([&] { return pool.stats().checked_out == 1; });
    for (int i = 0; i < 5; ++i) {
      co_spawn(
          ex,
          [&, i]() -> awaitable<void> {
            co_await pool.run([&, i](sql::Connection& c) {
              query_int(c, "SELECT 1");
              std::lock_guard lock(mu);
              order.push_back(i);
            });
            ++done;
          },
          detached);
      co_await wait_until([&] { return pool.stats().waiting == std::size_t(i + 1); });
    }
    co_await wait_until([&] { return done == 6; });
  });
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(pool.stats().timeouts_total, 0u);
  EXPECT_EQ(pool.stats().open, 1u);
}

TEST_F(PoolTest, CancelledWaiterLeavesTheQueueAndLeaksNothing) {
  using namespace boost::asio::experimental::awaitable_operators;
  keel::BlockingPool blocking(4);
  Pool pool(config(1, 0, 5s), blocking);
  run_io([&]() -> awaitable<void> {
    auto ex = co_await boost::asio::this_coro::executor;
    std::atomic<int> done{0};
    co_spawn(ex, hold(pool, 400ms, &done), detached);
    co_await wait_until([&] { return pool.stats().checked_out == 1; });
    // The caller gives up after 100 ms (e.g. the client went away).
    auto r = co_await (pool.run([](sql::Connection& c) { return query_int(c, "SELECT 1"); }) || sleep_for(100ms));
    EXPECT_EQ(r.index(), 1u);
    EXPECT_EQ(pool.stats().waiting, 0u);
    co_await wait_until([&] { return done == 1; });
    const auto v = co_await pool.run([](sql::Connection& c) { return query_int(c, "SELECT 5"); });
    EXPECT_EQ(v, 5);
  });
  const auto s = pool.stats();
  EXPECT_EQ(s.checked_out, 0u);
  EXPECT_EQ(s.open, 1u);
  EXPECT_EQ(s.timeouts_total, 0u);
}

TEST_F(PoolTest, KilledConnectionIsReconnectedBeforeUse) {
  keel::BlockingPool blocking(2);
  Pool pool(config(1, 0), blocking);
  run_io([&]() -> awaitable<void> {
    const auto first = co_await pool.run(connection_id);
    auto admin = connect(admin_);
    exec(*admin, "KILL CONNECTION " + std::to_string(first));
    const auto second = co_await pool.run(connection_id);
    EXPECT_NE(first, second);
    EXPECT_EQ(pool.stats().reconnects_total, 1u);
    // The reconnected session was set up again.
    const std::string tz = co_await pool.run([](sql::Connection& c) { return query_string(c, "SELECT @@time_zone"); });
    EXPECT_EQ(tz, "+00:00");
    const std::string cs =
        co_await pool.run([](sql::Connection& c) { return query_string(c, "SELECT @@character_set_connection"); });
    EXPECT_EQ(cs, "utf8mb4");
    EXPECT_EQ(pool.stats().reconnects_total, 1u);
  });
}

// Within the alive-bypass window a connection is not pinged: one killed while
// idle fails run()'s statement (discarded, 503 upstream), read() runs its fn
// again on a fresh connection, and after the window the pre-ping is back.
TEST_F(PoolTest, RecentlyUsedConnectionSkipsThePrePing) {
  keel::BlockingPool blocking(2);
  auto cfg = config(1, 0);
  cfg.alive_bypass = 60s;  // the whole test is inside the window
  Pool pool(cfg, blocking);
  run_io([&]() -> awaitable<void> {
    auto admin = connect(admin_);
    const auto first = co_await pool.run(connection_id);
    exec(*admin, "KILL CONNECTION " + std::to_string(first));
    auto e = co_await failure_of(pool.run(connection_id));
    EXPECT_TRUE(is_connection_lost(sql_errno(e))) << "no pre-ping: the statement meets the dead connection";
    EXPECT_EQ(pool.stats().open, 0u) << "discarded";

    const auto second = co_await pool.run(connection_id);
    EXPECT_NE(second, first);
    exec(*admin, "KILL CONNECTION " + std::to_string(second));
    int calls = 0;
    const auto third = co_await pool.read([&](sql::Connection& c) {
      ++calls;
      return connection_id(c);
    });
    EXPECT_EQ(calls, 2) << "read() ran its fn again on a fresh connection";
    EXPECT_NE(third, second);
  });
  auto short_cfg = config(1, 0);
  short_cfg.alive_bypass = 200ms;
  Pool pinged(short_cfg, blocking);
  run_io([&]() -> awaitable<void> {
    const auto first = co_await pinged.run(connection_id);
    auto admin = connect(admin_);
    exec(*admin, "KILL CONNECTION " + std::to_string(first));
    co_await sleep_for(300ms);  // past the window: pinged, reconnected, used
    const auto second = co_await pinged.run(connection_id);
    EXPECT_NE(first, second);
    EXPECT_EQ(pinged.stats().reconnects_total, 1u);
  });
}

TEST_F(PoolTest, ConnectionLostUnderFnIsNotRetriedAndIsDiscarded) {
  keel::BlockingPool blocking(2);
  Pool pool(config(1, 0), blocking);
  run_io([&]() -> awaitable<void> {
    co_await pool.run(connection_id);  // open it
    auto admin_url_copy = admin_;
    std::atomic<int> calls{0};
    // The connection dies between pre-ping and the query: the error reaches
    // the caller (no silent reconnect: auto-reconnect is off), fn ran once.
    auto e = co_await failure_of(pool.run([&](sql::Connection& c) {
      ++calls;
      auto admin = connect(admin_url_copy);
      exec(*admin, "KILL CONNECTION " + std::to_string(connection_id(c)));
      return query_int(c, "SELECT 1");
    }));
    EXPECT_EQ(calls, 1);
    EXPECT_TRUE(is<DbUnavailable>(e));  // keel's own type: callers need no driver header
    const int code = sql_errno(e);
    EXPECT_TRUE(is_connection_lost(code)) << "errno " << code;
    auto s = pool.stats();
    EXPECT_EQ(s.open, 0u);  // discarded
    EXPECT_EQ(s.checked_out, 0u);
    const auto v = co_await pool.run([](sql::Connection& c) { return query_int(c, "SELECT 3"); });
    EXPECT_EQ(v, 3);
  });
}

TEST_F(PoolTest, ReconnectedConnectionDoesNotAutoReconnect) {
  keel::BlockingPool blocking(2);
  Pool pool(config(1, 0), blocking);
  run_io([&]() -> awaitable<void> {
    const auto first = co_await pool.run(connection_id);
    {
      auto admin = connect(admin_);
      exec(*admin, "KILL CONNECTION " + std::to_string(first));
    }
    co_await pool.run(connection_id);  // reconnect() happened here
    EXPECT_EQ(pool.stats().reconnects_total, 1u);
    auto admin_url_copy = admin_;
    auto e = co_await failure_of(pool.run([&](sql::Connection& c) {
      auto admin = connect(admin_url_copy);
      exec(*admin, "KILL CONNECTION " + std::to_string(connection_id(c)));
      return query_int(c, "SELECT 1");
    }));
    EXPECT_TRUE(is_connection_lost(sql_errno(e))) << "errno " << sql_errno(e);
  });
}

TEST_F(PoolTest, ReturnedConnectionIsRolledBack) {
  keel::BlockingPool blocking(2);
  Pool pool(config(1, 0), blocking);
  run_io([&]() -> awaitable<void> {
    co_await pool.run([](sql::Connection& c) { exec(c, "CREATE TABLE t (x INT) ENGINE=InnoDB"); });
    // Left open without commit.
    co_await pool.run([](sql::Connection& c) {
      c.setAutoCommit(false);
      exec(c, "INSERT INTO t VALUES (1)");
    });
    // Thrown out of an explicit transaction.
    auto e = co_await failure_of(pool.run([](sql::Connection& c) {
      exec(c, "START TRANSACTION");
      exec(c, "INSERT INTO t VALUES (2)");
      throw std::runtime_error("handler failed");
    }));
    EXPECT_TRUE(is<std::runtime_error>(e));
    // A SQL error inside a transaction (not a connection error): kept, rolled back.
    e = co_await failure_of(pool.run([](sql::Connection& c) {
      c.setAutoCommit(false);
      exec(c, "INSERT INTO t VALUES (3)");
      exec(c, "INSERT INTO no_such_table VALUES (1)");
    }));
    EXPECT_EQ(sql_errno(e), 1146);
    const auto rows = co_await pool.run([](sql::Connection& c) { return query_int(c, "SELECT COUNT(*) FROM t"); });
    EXPECT_EQ(rows, 0);
    const bool autocommit = co_await pool.run([](sql::Connection& c) { return c.getAutoCommit(); });
    EXPECT_TRUE(autocommit);
    const auto ac = co_await pool.run([](sql::Connection& c) { return query_int(c, "SELECT @@autocommit"); });
    EXPECT_EQ(ac, 1);
    // Committed work stays.
    co_await pool.run([](sql::Connection& c) {
      c.setAutoCommit(false);
      exec(c, "INSERT INTO t VALUES (4)");
      commit(c);
    });
    const auto kept = co_await pool.run([](sql::Connection& c) { return query_int(c, "SELECT COUNT(*) FROM t"); });
    EXPECT_EQ(kept, 1);
  });
  EXPECT_EQ(pool.stats().open, 1u);  // the same connection throughout
  EXPECT_EQ(pool.stats().reconnects_total, 0u);
}

// db::commit() reports a COMMIT the server did not perform (here: the
// session was killed first; on Galera: certification failed), which the
// driver's own commit() drops silently. Nothing of the transaction stays.
TEST_F(PoolTest, CommitThrowsWhenTheServerDidNotCommit) {
  auto c = connect(url_);
  exec(*c, "CREATE TABLE t (x INT) ENGINE=InnoDB");
  c->setAutoCommit(false);
  exec(*c, "INSERT INTO t VALUES (1)");
  commit(*c);  // a commit that succeeds stays
  exec(*c, "INSERT INTO t VALUES (2)");
  auto admin = connect(admin_);
  exec(*admin, "KILL CONNECTION " + std::to_string(connection_id(*c)));
  int code = 0;
  try {
    commit(*c);
  } catch (const CommitOutcomeUnknown& e) { code = e.driver_code; }
  EXPECT_TRUE(is_connection_lost(code)) << "errno " << code;
  auto check = connect(url_);
  EXPECT_EQ(query_int(*check, "SELECT COUNT(*) FROM t"), 1);
}

TEST_F(PoolTest, OldConnectionsAreRecycled) {
  keel::BlockingPool blocking(2);
  PoolConfig c = config(1, 0);
  c.recycle = 1s;
  Pool pool(c, blocking);
  run_io([&]() -> awaitable<void> {
    const auto first = co_await pool.run(connection_id);
    const auto again = co_await pool.run(connection_id);
    EXPECT_EQ(first, again);
    co_await sleep_for(1100ms);
    const auto second = co_await pool.run(connection_id);
    EXPECT_NE(first, second);
    EXPECT_EQ(pool.stats().recycles_total, 1u);
    EXPECT_EQ(pool.stats().reconnects_total, 0u);
  });
  EXPECT_TRUE(wait_sessions(1)) << "the recycled connection was not closed";
}

TEST_F(PoolTest, UnreachableServerIsDbUnavailable) {
  keel::BlockingPool blocking(2);
  PoolConfig c = config(1, 1);
  c.url.port = 1;  // nothing listens there
  Pool pool(c, blocking);
  run_io([&]() -> awaitable<void> {
    const auto t0 = std::chrono::steady_clock::now();
    auto e = co_await failure_of(pool.run(connection_id));
    EXPECT_TRUE(is<DbUnavailable>(e));
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
    e = co_await failure_of(pool.run(connection_id));
    EXPECT_TRUE(is<DbUnavailable>(e));
  });
  const auto s = pool.stats();
  EXPECT_EQ(s.open, 0u);
  EXPECT_EQ(s.checked_out, 0u);
}

// KEEL_DB_URL with several hosts: the first that answers takes the connection,
// and /api/health/memory's db_pool.hosts says which.
TEST_F(PoolTest, SeveralHostsConnectToTheFirstThatAnswers) {
  keel::BlockingPool blocking(2);
  PoolConfig c = config(1, 1);
  const DbHost real{c.url.host, c.url.port};
  c.url.host = "127.0.0.1";
  c.url.port = 1;  // nothing listens there
  c.url.fallbacks = {real};
  Pool pool(c, blocking);
  run_io([&]() -> awaitable<void> {
    const auto id = co_await pool.run(connection_id);
    EXPECT_GT(id, 0);
  });
  const auto s = pool.stats();
  ASSERT_EQ(s.hosts.size(), 2u);
  EXPECT_EQ(s.hosts[0].host, "127.0.0.1:1");
  EXPECT_EQ(s.hosts[0].connections, 0u);
  EXPECT_EQ(s.hosts[1].host, to_string(real));
  EXPECT_EQ(s.hosts[1].connections, 1u);
  pool.close_all();
  EXPECT_EQ(pool.stats().hosts[1].connections, 0u) << "closing counts it off";
}

// A conflict (Galera certification failure, deadlock, lock wait timeout)
// means nothing was committed: transact() runs the transaction again, at most
// kConflictRetries times, and then it is a TransactionConflict (503).
TEST_F(PoolTest, TransactRetriesConflictsThenGivesUp) {
  keel::BlockingPool blocking(2);
  Pool pool(config(1, 0), blocking);
  run_io([&]() -> awaitable<void> {
    int calls = 0;
    auto twice_then_ok = [&calls](sql::Connection&) {
      if (++calls <= 2) throw sql::SQLException("Deadlock found when trying to get lock", "40001", 1213);
      return 7;
    };
    EXPECT_EQ(co_await pool.transact(twice_then_ok), 7);
    EXPECT_EQ(calls, 3);

    calls = 0;
    auto always = [&calls](sql::Connection&) -> int {
      ++calls;
      throw sql::SQLException("Lock wait timeout exceeded", "HY000", 1205);
    };
    auto e = co_await failure_of(pool.transact(always));
    EXPECT_TRUE(is<TransactionConflict>(e));
    EXPECT_EQ(calls, 1 + Pool::kConflictRetries);

    calls = 0;
    auto other = [&calls](sql::Connection&) -> int {
      ++calls;
      throw sql::SQLException("Duplicate entry", "23000", 1062);
    };
    e = co_await failure_of(pool.transact(other));
    EXPECT_TRUE(is<sql::SQLException>(e)) << "only conflicts are retried";
    EXPECT_EQ(calls, 1);
  });
}

TEST_F(PoolTest, CloseAllFailsWaitersAndLaterCalls) {
  keel::BlockingPool blocking(4);
  Pool pool(config(1, 0, 5s), blocking);
  run_io([&]() -> awaitable<void> {
    auto ex = co_await boost::asio::this_coro::executor;
    std::atomic<int> done{0};
    co_spawn(ex, hold(pool, 300ms, &done), detached);
    co_await wait_until([&] { return pool.stats().checked_out == 1; });
    std::exception_ptr waiter_error;
    std::atomic<bool> waiter_done{false};
    co_spawn(
        ex,
        [&]() -> awaitable<void> {
          waiter_error = co_await failure_of(pool.run(connection_id));
          waiter_done = true;
        },
        detached);
    co_await wait_until([&] { return pool.stats().waiting == 1; });
    pool.close_all();
    co_await wait_until([&] { return waiter_done.load(); });
    EXPECT_TRUE(is<DbUnavailable>(waiter_error));
    auto e = co_await failure_of(pool.run(connection_id));
    EXPECT_TRUE(is<DbUnavailable>(e));
    co_await wait_until([&] { return done == 1; });
  });
  EXPECT_EQ(pool.stats().open, 0u);
  EXPECT_TRUE(wait_sessions(0));
}

TEST_F(PoolTest, ManyConcurrentCallersOnSeveralIoThreads) {
  keel::BlockingPool blocking(4);
  Pool pool(config(2, 2, 20s), blocking);
  std::atomic<int> ok{0};
  constexpr int kCallers = 40, kEach = 25;
  run_io(
      [&]() -> awaitable<void> {
        auto ex = co_await boost::asio::this_coro::executor;
        std::atomic<int> finished{0};
        for (int i = 0; i < kCallers; ++i) {
          co_spawn(
              ex,
              [&, i]() -> awaitable<void> {
                for (int j = 0; j < kEach; ++j) {
                  const auto v = co_await pool.run([i, j](sql::Connection& c) {
                    if ((i + j) % 7 == 0) std::this_thread::sleep_for(1ms);
                    return query_int(c, "SELECT " + std::to_string(i * 1000 + j));
                  });
                  if (v == i * 1000 + j) ++ok;
                }
                ++finished;
              },
              detached);
        }
        co_await wait_until([&] { return finished == kCallers; }, 60s);
      },
      3);
  EXPECT_EQ(ok, kCallers * kEach);
  const auto s = pool.stats();
  EXPECT_EQ(s.checked_out, 0u);
  EXPECT_EQ(s.waiting, 0u);
  EXPECT_LE(s.open, 2u);
  EXPECT_EQ(s.timeouts_total, 0u);
  EXPECT_TRUE(wait_sessions(std::int64_t(s.open)));
}

// ---- server restart (needs KEEL_DEV_DB_SCRIPT) ------------------------------

TEST_F(PoolTest, ServerRestartIsDetectedAndEveryPooledConnectionReconnects) {
  if (!dev_db_script()) GTEST_SKIP() << "KEEL_DEV_DB_SCRIPT not set";
  keel::BlockingPool blocking(4);
  Pool pool(config(2, 0), blocking);
  run_io([&]() -> awaitable<void> {
    auto ex = co_await boost::asio::this_coro::executor;
    std::atomic<int> done{0};
    co_spawn(ex, hold(pool, 200ms, &done), detached);
    co_spawn(ex, hold(pool, 200ms, &done), detached);
    co_await wait_until([&] { return done == 2; });
    EXPECT_EQ(pool.stats().idle, 2u);
  });
  dev_db("stop");
  dev_db("start");
  run_io([&]() -> awaitable<void> {
    // Sequential: the first checkout finds its connection dead (pre-ping),
    // reconnects and sees the new server start time; the second connection
    // is then reconnected because it predates the restart.
    const auto a = co_await pool.run([](sql::Connection& c) { return query_int(c, "SELECT 1"); });
    EXPECT_EQ(a, 1);
    auto s = pool.stats();
    EXPECT_EQ(s.restarts_detected, 1u);
    EXPECT_EQ(s.reconnects_total, 1u);
    const auto b = co_await pool.run([](sql::Connection& c) { return query_string(c, "SELECT @@time_zone"); });
    EXPECT_EQ(b, "+00:00");
    s = pool.stats();
    EXPECT_EQ(s.reconnects_total, 2u);
    EXPECT_EQ(s.open, 2u);
  });
}

TEST_F(PoolTest, ServerDownIsDbUnavailableAndRestartMidRunRecovers) {
  if (!dev_db_script()) GTEST_SKIP() << "KEEL_DEV_DB_SCRIPT not set";
  keel::BlockingPool blocking(4);
  Pool pool(config(2, 2, 5s), blocking);
  std::atomic<int> ok_before{0}, ok_after{0}, unavailable{0}, lost{0}, other{0};
  std::atomic<bool> restarted{false};
  std::string other_what;
  std::mutex mu;
  std::thread restarter;
  run_io(
      [&]() -> awaitable<void> {
        auto ex = co_await boost::asio::this_coro::executor;
        std::atomic<int> finished{0};
        for (int i = 0; i < 4; ++i) {
          co_spawn(
              ex,
              [&]() -> awaitable<void> {
                // Keep querying until well after the restart.
                while (!(restarted && ok_after >= 20)) {
                  auto e = co_await failure_of(pool.run([](sql::Connection& c) {
                    std::this_thread::sleep_for(2ms);
                    return query_int(c, "SELECT 1");
                  }));
                  if (!e) {
                    ++(restarted ? ok_after : ok_before);
                  } else if (is<DbUnavailable>(e)) {
                    ++unavailable;
                  } else if (is_connection_lost(sql_errno(e))) {
                    ++lost;
                  } else {
                    ++other;
                    std::lock_guard lock(mu);
                    try {
                      std::rethrow_exception(e);
                    } catch (const std::exception& x) { other_what = x.what(); }
                  }
                  co_await sleep_for(5ms);
                }
                ++finished;
              },
              detached);
        }
        co_await wait_until([&] { return ok_before >= 20; });
        restarter = std::thread([&] {
          dev_db("stop");
          std::this_thread::sleep_for(300ms);
          dev_db("start");
          restarted = true;
        });
        co_await wait_until([&] { return finished == 4; }, 60s);
      },
      2);
  restarter.join();
  EXPECT_GE(ok_after, 20);
  EXPECT_GT(unavailable, 0);  // while it was down
  EXPECT_EQ(other, 0) << other_what;
  const auto s = pool.stats();
  EXPECT_EQ(s.checked_out, 0u);
  // Whether the pool counts a "restart" here depends on timing: connections
  // that died under a query are discarded and new ones opened (no counter
  // moves), and a start time within the 2 s jitter allowance of the previous
  // start is not a detectable restart. Detection itself is covered by the
  // sequential restart test; this one asserts recovery under load.
  // After recovery, a fresh run works.
  run_io([&]() -> awaitable<void> {
    const auto v = co_await pool.run([](sql::Connection& c) { return query_int(c, "SELECT 9"); });
    EXPECT_EQ(v, 9);
  });
}
