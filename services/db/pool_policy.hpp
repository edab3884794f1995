#pragma once
// The bookkeeping of the connection pool, with no I/O, no locking and no
// clock of its own, so unit tests drive it directly (Pool guards it with a
// mutex and does the Connector calls outside that mutex).
//
// Rules (SQLAlchemy QueuePool):
// - at most pool_size + max_overflow connections are open (idle + checked out);
// - a checkout takes the oldest idle connection (FIFO), else opens a new one
//   while below the limit, else the caller must wait;
// - waiters are served first come, first served: a released connection (or
//   the slot of a discarded one) goes straight to the oldest waiter;
// - a returned connection is closed when more than pool_size are open (it is
//   overflow), else kept idle;
// - a connection is stale when it is older than `recycle`, or was opened
//   before the most recent server restart the pool has seen (the server's
//   start time, read at every connect, moved forward). recycle <= 0 turns
//   age-based recycling off;
// - a connection that finished a round trip less than `alive_bypass` ago is
//   used without a pre-ping (HikariCP's aliveBypassWindowMs): the ping would
//   cost a round trip per checkout to learn what the last one just showed.
//
// Conn is the connection payload (std::unique_ptr<sql::Connection> in Pool,
// anything movable in tests).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <utility>
#include <vector>

namespace keel::db {

using PoolClock = std::chrono::steady_clock;
using WaiterId = std::uint64_t;

// The server's start time seen through different connections differs by up
// to one second (UNIX_TIMESTAMP() and UPTIME are whole seconds sampled at
// different moments), so a restart is a jump of more than this.
inline constexpr std::int64_t kServerStartJitterSeconds = 2;

struct ConnMeta {
  PoolClock::time_point opened_at{};   // when this session was established
  std::int64_t server_started_at = 0;  // unix seconds; 0 = unknown
  std::size_t host = 0;                // which of the URL's hosts (0: the preferred one)
  PoolClock::time_point last_ok{};     // when a round trip on it last succeeded
};

enum class Staleness {
  fresh,           // pre-ping, then use
  recent,          // a round trip succeeded within alive_bypass: use without a pre-ping
  recycle,         // older than `recycle`: close and open a new one
  server_restart,  // opened before a server restart: reconnect without pinging
};

template <class Conn>
struct Pooled {
  Conn conn;
  ConnMeta meta;
};

// A checked-out slot. With `pooled` empty the holder must open a new
// connection (and give the slot back, with or without one, when done).
template <class Conn>
struct Grant {
  std::optional<Pooled<Conn>> pooled;
  Staleness staleness = Staleness::fresh;
};

struct PolicyStats {
  std::size_t size = 0, max_overflow = 0;
  std::size_t open = 0, idle = 0, checked_out = 0, overflow_in_use = 0, waiting = 0;
  std::uint64_t timeouts_total = 0, reconnects_total = 0, recycles_total = 0, restarts_detected = 0;
};

template <class Conn>
class PoolPolicy {
 public:
  PoolPolicy(std::size_t pool_size, std::size_t max_overflow, std::chrono::seconds recycle,
             std::chrono::milliseconds alive_bypass = std::chrono::milliseconds(0))
      : size_(pool_size), max_overflow_(max_overflow), recycle_(recycle), alive_bypass_(alive_bypass) {}

  // A slot now, or nullopt: the caller enqueue()s and waits.
  std::optional<Grant<Conn>> try_checkout(PoolClock::time_point now) {
    if (closed_ || !waiters_.empty()) return std::nullopt;
    if (!idle_.empty()) {
      Pooled<Conn> p = std::move(idle_.front());
      idle_.pop_front();
      ++checked_out_;
      return make_grant(std::move(p), now);
    }
    if (open_ < size_ + max_overflow_) {
      ++open_;
      ++checked_out_;
      return Grant<Conn>{};
    }
    return std::nullopt;
  }

  WaiterId enqueue() {
    const WaiterId id = next_waiter_++;
    waiters_.push_back(id);
    return id;
  }

  // Removes a waiter that gave up (timeout, cancellation). False if it is
  // not queued (already served).
  bool cancel_wait(WaiterId id) {
    for (auto it = waiters_.begin(); it != waiters_.end(); ++it) {
      if (*it == id) {
        waiters_.erase(it);
        return true;
      }
    }
    return false;
  }

  struct Released {
    std::optional<Conn> to_close;                             // close it (outside any lock)
    std::optional<std::pair<WaiterId, Grant<Conn>>> handoff;  // wake this waiter with this grant
  };

  // Gives a checked-out slot back: with its connection, or with none when the
  // connection was discarded or could not be opened.
  Released release(std::optional<Pooled<Conn>> conn, PoolClock::time_point now) {
    Released out;
    --checked_out_;
    if (closed_) {
      if (conn) out.to_close.emplace(std::move(conn->conn));
      --open_;
      return out;
    }
    if (!waiters_.empty()) {
      const WaiterId id = waiters_.front();
      waiters_.pop_front();
      ++checked_out_;
      // The slot passes to the waiter as is: open_ does not change (a
      // discarded connection's slot becomes "open a new one").
      out.handoff.emplace(id, conn ? make_grant(std::move(*conn), now) : Grant<Conn>{});
      return out;
    }
    if (!conn) {
      --open_;
    } else if (open_ > size_) {
      out.to_close.emplace(std::move(conn->conn));
      --open_;
    } else {
      idle_.push_back(std::move(*conn));
    }
    return out;
  }

  Staleness staleness(const ConnMeta& m, PoolClock::time_point now) const {
    if (known_server_start_ != 0 && m.server_started_at != 0 &&
        m.server_started_at + kServerStartJitterSeconds < known_server_start_)
      return Staleness::server_restart;
    if (recycle_.count() > 0 && now - m.opened_at >= recycle_) return Staleness::recycle;
    if (alive_bypass_.count() > 0 && m.last_ok != PoolClock::time_point{} && now - m.last_ok < alive_bypass_)
      return Staleness::recent;
    return Staleness::fresh;
  }

  // Every (re)connect reports the server's start time. True when it shows a
  // restart since the newest start seen so far: every connection opened
  // before it is stale from now on.
  bool note_server_start(std::int64_t started_at) {
    if (started_at <= 0) return false;
    if (known_server_start_ == 0) {
      known_server_start_ = started_at;
      return false;
    }
    if (started_at > known_server_start_ + kServerStartJitterSeconds) {
      known_server_start_ = started_at;
      ++restarts_detected_;
      return true;
    }
    return false;
  }

  void note_timeout() { ++timeouts_total_; }
  void note_reconnect() { ++reconnects_total_; }
  void note_recycle() { ++recycles_total_; }

  // Shutdown: no new checkouts; idle connections are handed out to be closed,
  // checked-out ones are closed on release; the waiters are returned so the
  // caller can wake them (they get no grant).
  std::pair<std::vector<Conn>, std::vector<WaiterId>> close() {
    closed_ = true;
    std::vector<Conn> conns;
    for (auto& p : idle_) conns.push_back(std::move(p.conn));
    open_ -= idle_.size();
    idle_.clear();
    std::vector<WaiterId> ws(waiters_.begin(), waiters_.end());
    waiters_.clear();
    return {std::move(conns), std::move(ws)};
  }

  bool closed() const { return closed_; }
  std::int64_t known_server_start() const { return known_server_start_; }

  PolicyStats stats() const {
    PolicyStats s;
    s.size = size_;
    s.max_overflow = max_overflow_;
    s.open = open_;
    s.idle = idle_.size();
    s.checked_out = checked_out_;
    s.overflow_in_use = open_ > size_ ? open_ - size_ : 0;
    s.waiting = waiters_.size();
    s.timeouts_total = timeouts_total_;
    s.reconnects_total = reconnects_total_;
    s.recycles_total = recycles_total_;
    s.restarts_detected = restarts_detected_;
    return s;
  }

 private:
  Grant<Conn> make_grant(Pooled<Conn> p, PoolClock::time_point now) const {
    Grant<Conn> g;
    g.staleness = staleness(p.meta, now);
    g.pooled.emplace(std::move(p));
    return g;
  }

  std::size_t size_, max_overflow_;
  std::chrono::seconds recycle_;
  std::chrono::milliseconds alive_bypass_;
  std::deque<Pooled<Conn>> idle_;
  std::deque<WaiterId> waiters_;
  WaiterId next_waiter_ = 1;
  std::size_t open_ = 0;         // idle + checked out (including slots still opening)
  std::size_t checked_out_ = 0;  // slots held by callers or handed to waiters
  std::int64_t known_server_start_ = 0;
  bool closed_ = false;
  std::uint64_t timeouts_total_ = 0, reconnects_total_ = 0, recycles_total_ = 0, restarts_detected_ = 0;
};

}  // namespace keel::db
