#pragma once
// The MySQL/MariaDB connection pool (SQLAlchemy QueuePool semantics).
//
//   keel::db::Pool pool(config, blocking);
//   auto n = co_await pool.run([](sql::Connection& c) { ... return 42; });
//
// run() checks a connection out (waiting, without blocking a thread, up to
// config.timeout: PoolTimeout), then on the blocking pool pre-pings it
// (reconnecting a dead, restarted-server or too-old one), calls fn, rolls
// back whatever fn left open, and gives the connection back before run()
// resumes. The connection is only valid inside fn: do not keep it, its
// statements or its result sets.
//
// Errors out of run(): whatever fn throws, except that a driver error
// meaning the connection or the server went away (2006/2013/2055/1047,
// 2002/2003, 1053, 1927: db::is_unavailable) becomes DbUnavailable and a
// deadlock, Galera certification failure or lock wait timeout (1213/1205)
// becomes TransactionConflict (run() never retries, as statements need not
// be idempotent; transact() does); other SQL errors stay sql::SQLException;
// PoolTimeout; DbUnavailable (cannot connect, or the pool is closed).
//
// Several hosts (a Galera cluster): a connection goes to the first host of
// the URL that accepts it and is ready; one that is lost is replaced on the
// first that is up. A connection on a later host tries the preferred hosts
// again every few seconds when checked out, so the pool moves back to the
// first host within seconds of its return.
//
// Lifetime: destroy the Pool only after the io threads and the blocking pool
// are stopped and joined (no run() in flight).
//
// g++ 12 pitfall: do not write a lambda with non-trivially-copyable captures
// (std::string, unique_ptr, shared_ptr ... by value) inside the co_await
// expression: `co_await pool.run([s = std::move(s)](sql::Connection& c) {...})`
// is destroyed twice (double free). Name it first:
//   auto job = [s = std::move(s)](sql::Connection& c) { ... };
//   co_await pool.run(std::move(job));
// Lambdas capturing only references, pointers and numbers are not affected.
#include "http/blocking.hpp"
#include "services/db/connection.hpp"
#include "services/db/errors.hpp"
#include "services/db/pool_policy.hpp"
#include "services/db/url.hpp"

#include <cppconn/connection.h>
#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace keel::db {

struct PoolConfig {
  DbUrl url;
  std::size_t pool_size = 2;                 // connections kept open
  std::size_t max_overflow = 2;              // more opened on demand, closed on return
  std::chrono::milliseconds timeout{30000};  // wait for a free connection
  std::chrono::seconds recycle{3600};        // reopen connections older than this (<= 0: never)
  // No pre-ping for a connection whose last round trip succeeded less than
  // this ago (0: ping at every checkout). A connection that died within the
  // window fails its first statement instead: read() then runs fn again on
  // a fresh one; run() and transact() report it (503).
  std::chrono::milliseconds alive_bypass{500};
};

struct HostStats {
  std::string host;           // host:port
  std::size_t connections = 0;  // open connections to it
};

struct PoolStats {
  std::size_t size = 0;                 // configured pool_size
  std::size_t max_overflow = 0;         // configured max_overflow
  std::size_t checked_out = 0;          // connections (or slots being opened) in use
  std::size_t overflow_in_use = 0;      // open connections beyond pool_size
  std::size_t waiting = 0;              // run() calls waiting for a connection
  std::uint64_t timeouts_total = 0;     // PoolTimeout thrown
  std::uint64_t reconnects_total = 0;   // dead / pre-restart connections reconnected or replaced
  std::size_t open = 0;                 // open connections (idle + checked out)
  std::size_t idle = 0;                 // open connections waiting in the pool
  std::uint64_t recycles_total = 0;     // connections reopened for age (recycle)
  std::uint64_t restarts_detected = 0;  // server restarts seen (server start time moved)
  std::vector<HostStats> hosts;         // every host of the URL, in order of preference
};

class Pool {
  // Closing a connection counts it off its host.
  struct CountedClose {
    std::atomic<std::size_t>* open_on_host = nullptr;
    void operator()(sql::Connection* c) const noexcept;
  };
  using Conn = std::unique_ptr<sql::Connection, CountedClose>;

 public:
  // connect: connect/read/write timeouts of each connection (3 s / 30 s / 30 s).
  Pool(PoolConfig config, keel::BlockingPool& blocking, ConnectOptions connect = {});
  ~Pool();  // close_all()
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // Runs fn(sql::Connection&) on the blocking pool with a checked-out
  // connection, held only while fn runs. fn's result (or exception) is run()'s.
  template <class F>
  auto run(F fn) -> boost::asio::awaitable<std::invoke_result_t<F&, sql::Connection&>>;

  // run(fn) for an fn that is one transaction: it begins it (setAutoCommit
  // (false)) and commits it last with db::commit(), or leaves it to be
  // rolled back (or it is one autocommit statement that is safe to repeat).
  // When it fails with a TransactionConflict, nothing of it was committed,
  // so it runs again on a fresh checkout after a jittered pause (5-30 ms,
  // then 10-60, 20-120), at most kConflictRetries times; then the conflict
  // is thrown (503 database busy). When its connection is lost before
  // COMMIT (the server rolls the transaction back), it runs once more at
  // once on a fresh connection; lost at COMMIT, it is not run again
  // (CommitOutcomeUnknown). fn must have no effect outside the database.
  static constexpr int kConflictRetries = 3;
  template <class F>
  auto transact(F fn) -> boost::asio::awaitable<std::invoke_result_t<F&, sql::Connection&>>;

  // run(fn) for an fn that only reads, so running it twice is harmless: when
  // the connection turns out lost under it (it died while idle, within the
  // alive_bypass window), fn runs once more on a fresh connection.
  template <class F>
  auto read(F fn) -> boost::asio::awaitable<std::invoke_result_t<F&, sql::Connection&>>;

  // A round trip through a pooled connection (SELECT 1): returns when the
  // database answered, throws what run() throws when it did not.
  boost::asio::awaitable<void> ping();

  PoolStats stats() const;  // any thread

  // Shutdown: closes idle connections now and checked-out ones when they come
  // back; waiting and later run() calls throw DbUnavailable. Blocking (it
  // closes connections): call it from main or the blocking pool.
  void close_all();

  const PoolConfig& config() const { return config_; }

  // A checked-out slot: returned to the pool on every path (its destructor
  // gives back a slot that finish() did not).
  class Lease {
   public:
    Lease() = default;
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&& other) noexcept;
    ~Lease();

    // Blocking. Pre-ping / reconnect / recycle / open; the connection ready
    // for use. On failure the slot goes back and DbUnavailable is thrown.
    sql::Connection& prepare();
    // Blocking. After use: rolls back (and restores autocommit), discards the
    // connection when `error` says it is lost (2006/2013/2055) or the
    // rollback fails, and gives the slot back.
    void finish(std::exception_ptr error) noexcept;

   private:
    friend class Pool;
    Lease(Pool* pool, Grant<Conn> grant) : pool_(pool), grant_(std::move(grant)) {}
    void revive();   // reconnect(), else replace()
    void replace();  // close, open a new one
    void prefer_earlier_host();  // sometimes: move to a host earlier in the URL
    void give_back() noexcept;

    Pool* pool_ = nullptr;
    Grant<Conn> grant_;
  };

 private:
  struct Waiter;

  // Prepares on construction, finishes on destruction (on the blocking pool).
  struct Use {
    explicit Use(Lease& l) : lease(l), conn(&l.prepare()) {}
    ~Use() { lease.finish(error); }
    Use(const Use&) = delete;
    Use& operator=(const Use&) = delete;
    Lease& lease;
    sql::Connection* conn;
    std::exception_ptr error;
  };

  boost::asio::awaitable<Lease> acquire();
  void give_back(std::optional<Pooled<Conn>> conn) noexcept;
  void abandon(const std::shared_ptr<Waiter>& w) noexcept;
  void note_server_start(std::int64_t started_at);
  void note_reconnect();
  void note_recycle();
  Conn adopt(OpenedConnection opened);
  static boost::asio::awaitable<void> conflict_pause(int attempt);

  PoolConfig config_;
  ConnectOptions connect_;
  keel::BlockingPool& blocking_;
  mutable std::mutex mu_;  // guards policy_ and waiters_; never held across a Connector call
  PoolPolicy<Conn> policy_;
  std::unordered_map<WaiterId, std::shared_ptr<Waiter>> waiters_;
  std::vector<DbHost> hosts_;
  std::unique_ptr<std::atomic<std::size_t>[]> open_on_host_;  // one per host
  std::atomic<PoolClock::rep> next_preferred_try_{0};          // PoolClock ticks
};

template <class F>
auto Pool::run(F fn) -> boost::asio::awaitable<std::invoke_result_t<F&, sql::Connection&>> {
  using R = std::invoke_result_t<F&, sql::Connection&>;
  static_assert(!std::is_reference_v<R>, "return a value: the connection is gone after fn");
  Lease lease = co_await acquire();
  // The job refers to this frame, which stays suspended until the job is done.
  // It captures pointers only, and is named before co_await: g++ 12 destroys
  // twice a lambda (or aggregate) temporary with non-trivially-copyable
  // members created inside a co_await expression, and keel::run_blocking
  // wraps its F in such a lambda.
  Lease* held = &lease;
  F* call = &fn;
  if constexpr (std::is_void_v<R>) {
    auto job = [held, call] {
      Use use(*held);
      try {
        (*call)(*use.conn);
      } catch (...) {
        use.error = std::current_exception();  // finish() judges the original
        rethrow_as_db_error(use.error);
      }
    };
    co_await keel::run_blocking(blocking_, job);
  } else {
    auto job = [held, call]() -> std::optional<R> {
      Use use(*held);
      try {
        return std::optional<R>((*call)(*use.conn));
      } catch (...) {
        use.error = std::current_exception();  // finish() judges the original
        rethrow_as_db_error(use.error);
      }
    };
    std::optional<R> out = co_await keel::run_blocking(blocking_, job);
    co_return std::move(*out);
  }
}

template <class F>
auto Pool::read(F fn) -> boost::asio::awaitable<std::invoke_result_t<F&, sql::Connection&>> {
  try {
    co_return co_await run(std::ref(fn));
  } catch (const DbUnavailable& e) {
    if (!is_connection_lost(e.driver_code)) throw;
  }
  co_return co_await run(std::ref(fn));
}

template <class F>
auto Pool::transact(F fn) -> boost::asio::awaitable<std::invoke_result_t<F&, sql::Connection&>> {
  bool rerun_after_loss = true;
  for (int attempt = 0;;) {
    try {
      co_return co_await run(std::ref(fn));
    } catch (const CommitOutcomeUnknown&) {
      throw;
    } catch (const DbUnavailable& e) {
      if (!is_connection_lost(e.driver_code) || !rerun_after_loss) throw;
      rerun_after_loss = false;
      continue;
    } catch (const TransactionConflict&) {
      if (attempt == kConflictRetries) throw;
    }
    co_await conflict_pause(attempt++);
  }
}

}  // namespace keel::db
