#include "services/db/pool.hpp"

#include <cppconn/exception.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>
#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/experimental/concurrent_channel.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/system_error.hpp>

#include <random>
#include <string>
#include <vector>

namespace keel::db {

namespace asio = boost::asio;

// A run() waiting for a slot. Woken through a thread-safe channel by
// whoever hands it a grant (any thread), by its own deadline timer, or by
// close_all(); what it got is decided under the pool mutex, not by who woke it.
struct Pool::Waiter {
  explicit Waiter(const asio::any_io_executor& ex) : wake(ex, 1) {}
  WaiterId id = 0;
  asio::experimental::concurrent_channel<void(boost::system::error_code)> wake;
  std::optional<Grant<Conn>> grant;  // set under mu_
};

Pool::Pool(PoolConfig config, keel::BlockingPool& blocking, ConnectOptions connect)
    : config_(std::move(config)),
      connect_(connect),
      blocking_(blocking),
      policy_(config_.pool_size, config_.max_overflow, config_.recycle, config_.alive_bypass),
      hosts_(config_.url.hosts()),
      open_on_host_(new std::atomic<std::size_t>[hosts_.size()]) {
  for (std::size_t i = 0; i < hosts_.size(); ++i) open_on_host_[i] = 0;
}

void Pool::CountedClose::operator()(sql::Connection* c) const noexcept {
  delete c;  // NOLINT: Connector hands out owning raw pointers
  if (open_on_host != nullptr) open_on_host->fetch_sub(1, std::memory_order_relaxed);
}

Pool::Conn Pool::adopt(OpenedConnection opened) {
  std::atomic<std::size_t>* counter = &open_on_host_[opened.host];
  counter->fetch_add(1, std::memory_order_relaxed);
  return Conn(opened.conn.release(), CountedClose{counter});
}

asio::awaitable<void> Pool::conflict_pause(int attempt) {
  thread_local std::minstd_rand rng(std::random_device{}());
  const int base = 5 << attempt;  // 5, 10, 20 ms
  std::uniform_int_distribution<int> ms(base, base * 6);
  asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(ms(rng)));
  co_await t.async_wait(asio::use_awaitable);
}

Pool::~Pool() { close_all(); }

asio::awaitable<Pool::Lease> Pool::acquire() {
  const auto ex = co_await asio::this_coro::executor;
  std::optional<Grant<Conn>> grant;
  std::shared_ptr<Waiter> w;
  {
    std::lock_guard lock(mu_);
    if (policy_.closed()) throw DbUnavailable("database pool is closed");
    grant = policy_.try_checkout(PoolClock::now());
    if (!grant) {
      w = std::make_shared<Waiter>(ex);
      w->id = policy_.enqueue();
      waiters_.emplace(w->id, w);
    }
  }
  if (grant) co_return Lease(this, std::move(*grant));

  // If this frame goes away while waiting (cancellation, shutdown), the
  // waiter leaves the queue and a grant it already got goes back.
  struct Abandon {
    Pool* pool;
    std::shared_ptr<Waiter> w;
    bool active = true;
    ~Abandon() {
      if (active) pool->abandon(w);
    }
  } guard{this, w};

  const auto deadline = PoolClock::now() + config_.timeout;
  asio::steady_timer timer(ex, deadline);
  timer.async_wait([w](boost::system::error_code ec) {
    if (!ec) w->wake.try_send(asio::error::timed_out);
  });
  co_await w->wake.async_receive(asio::as_tuple(asio::use_awaitable));
  timer.cancel();

  bool closed = false;
  bool timed_out = false;
  {
    std::lock_guard lock(mu_);
    guard.active = false;
    waiters_.erase(w->id);
    if (w->grant) {
      grant = std::move(w->grant);
      w->grant.reset();
    } else {
      policy_.cancel_wait(w->id);
      closed = policy_.closed();
      timed_out = !closed && PoolClock::now() >= deadline;
      if (timed_out) policy_.note_timeout();
    }
  }
  if (grant) co_return Lease(this, std::move(*grant));
  if (closed) throw DbUnavailable("database pool is closed");
  if (timed_out)
    throw PoolTimeout("no database connection free within " + std::to_string(config_.timeout.count()) + " ms");
  throw boost::system::system_error(asio::error::operation_aborted);
}

void Pool::give_back(std::optional<Pooled<Conn>> conn) noexcept {
  std::optional<Conn> to_close;
  std::shared_ptr<Waiter> wake;
  {
    std::lock_guard lock(mu_);
    auto r = policy_.release(std::move(conn), PoolClock::now());
    to_close = std::move(r.to_close);
    if (r.handoff) {
      auto it = waiters_.find(r.handoff->first);
      if (it != waiters_.end()) {
        wake = it->second;
        wake->grant.emplace(std::move(r.handoff->second));
      }
    }
  }
  to_close.reset();  // closes the connection, outside the lock
  if (wake) wake->wake.try_send(boost::system::error_code());
}

void Pool::abandon(const std::shared_ptr<Waiter>& w) noexcept {
  std::optional<Grant<Conn>> grant;
  {
    std::lock_guard lock(mu_);
    waiters_.erase(w->id);
    if (!policy_.cancel_wait(w->id) && w->grant) {
      grant = std::move(w->grant);
      w->grant.reset();
    }
  }
  if (grant) give_back(std::move(grant->pooled));
}

void Pool::note_server_start(std::int64_t started_at) {
  bool restarted = false;
  {
    std::lock_guard lock(mu_);
    restarted = policy_.note_server_start(started_at);
  }
  if (restarted)
    spdlog::warn("database server restart detected (started at {}): pooled connections will reconnect", started_at);
}

void Pool::note_reconnect() {
  std::lock_guard lock(mu_);
  policy_.note_reconnect();
}

void Pool::note_recycle() {
  std::lock_guard lock(mu_);
  policy_.note_recycle();
}

asio::awaitable<void> Pool::ping() {
  auto job = [](sql::Connection& c) {
    std::unique_ptr<sql::Statement> st(c.createStatement());
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery("SELECT 1"));
  };
  co_await run(job);
}

PoolStats Pool::stats() const {
  PolicyStats p;
  {
    std::lock_guard lock(mu_);
    p = policy_.stats();
  }
  PoolStats s;
  s.size = p.size;
  s.max_overflow = p.max_overflow;
  s.checked_out = p.checked_out;
  s.overflow_in_use = p.overflow_in_use;
  s.waiting = p.waiting;
  s.timeouts_total = p.timeouts_total;
  s.reconnects_total = p.reconnects_total;
  s.open = p.open;
  s.idle = p.idle;
  s.recycles_total = p.recycles_total;
  s.restarts_detected = p.restarts_detected;
  for (std::size_t i = 0; i < hosts_.size(); ++i)
    s.hosts.push_back(HostStats{to_string(hosts_[i]), open_on_host_[i].load(std::memory_order_relaxed)});
  return s;
}

void Pool::close_all() {
  std::vector<Conn> conns;
  std::vector<std::shared_ptr<Waiter>> wake;
  {
    std::lock_guard lock(mu_);
    if (policy_.closed()) return;
    auto [idle, ids] = policy_.close();
    conns = std::move(idle);
    for (WaiterId id : ids) {
      auto it = waiters_.find(id);
      if (it != waiters_.end()) wake.push_back(it->second);
    }
  }
  conns.clear();
  for (auto& w : wake) w->wake.try_send(boost::system::error_code());
}

// ---- Lease ----------------------------------------------------------------

Pool::Lease::Lease(Lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)), grant_(std::move(other.grant_)) {}

Pool::Lease& Pool::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    give_back();
    pool_ = std::exchange(other.pool_, nullptr);
    grant_ = std::move(other.grant_);
  }
  return *this;
}

Pool::Lease::~Lease() { give_back(); }

void Pool::Lease::give_back() noexcept {
  if (pool_ == nullptr) return;
  Pool* pool = std::exchange(pool_, nullptr);
  pool->give_back(std::move(grant_.pooled));
  grant_.pooled.reset();
}

namespace {

bool alive(sql::Connection& c) noexcept {
  try {
    return c.isValid();
  } catch (...) { return false; }
}

}  // namespace

void Pool::Lease::replace() {
  grant_.pooled.reset();  // closes the old connection (if any)
  OpenedConnection opened = open_first_available(pool_->config_.url, pool_->connect_);
  const ConnMeta meta{PoolClock::now(), opened.server_started_at, opened.host};
  grant_.pooled.emplace(Pooled<Conn>{pool_->adopt(std::move(opened)), meta});
  pool_->note_server_start(meta.server_started_at);
}

// A connection on a fallback host tries the hosts before it, at most every
// few seconds per pool while none answers; once one does, the next checkout
// of every other fallback connection tries at once.
void Pool::Lease::prefer_earlier_host() {
  constexpr auto kRetryEvery = std::chrono::seconds(5);
  auto& p = *grant_.pooled;
  const auto now = PoolClock::now().time_since_epoch().count();
  auto due = pool_->next_preferred_try_.load(std::memory_order_relaxed);
  if (now < due || !pool_->next_preferred_try_.compare_exchange_strong(
                       due, now + std::chrono::duration_cast<PoolClock::duration>(kRetryEvery).count()))
    return;
  try {
    OpenedConnection opened = open_first_available(pool_->config_.url, pool_->connect_, p.meta.host);
    const ConnMeta meta{PoolClock::now(), opened.server_started_at, opened.host};
    spdlog::info("database: back on {} (was {})", to_string(pool_->hosts_[meta.host]),
                 to_string(pool_->hosts_[p.meta.host]));
    p.conn = pool_->adopt(std::move(opened));  // closes the fallback connection
    p.meta = meta;
    pool_->next_preferred_try_.store(now, std::memory_order_relaxed);
    pool_->note_server_start(meta.server_started_at);
  } catch (const DbUnavailable&) {
    // still down: stay where we are
  }
}

void Pool::Lease::revive() {
  auto& p = *grant_.pooled;
  try {
    if (p.conn->reconnect()) {
      const std::int64_t started = prepare_session(*p.conn);
      p.meta = ConnMeta{PoolClock::now(), started, p.meta.host};
      pool_->note_server_start(started);
      return;
    }
  } catch (const sql::SQLException&) {
    // fall through: a new connection
  } catch (const DbUnavailable&) {
    // a Galera node that is not ready: a new connection, maybe elsewhere
  }
  replace();
}

sql::Connection& Pool::Lease::prepare() {
  try {
    if (!grant_.pooled) {
      replace();
    } else {
      switch (grant_.staleness) {
        case Staleness::recycle:
          replace();
          pool_->note_recycle();
          break;
        case Staleness::server_restart:
          revive();
          pool_->note_reconnect();
          break;
        case Staleness::recent:
          if (grant_.pooled->meta.host > 0) prefer_earlier_host();
          break;
        case Staleness::fresh:
          if (grant_.pooled->meta.host > 0) prefer_earlier_host();
          if (!alive(*grant_.pooled->conn)) {
            revive();
            pool_->note_reconnect();
          }
          break;
      }
    }
    grant_.staleness = Staleness::fresh;
    return *grant_.pooled->conn;
  } catch (...) {
    grant_.pooled.reset();
    give_back();
    throw;
  }
}

void Pool::Lease::finish(std::exception_ptr error) noexcept {
  if (pool_ == nullptr) return;
  bool discard = !grant_.pooled;
  if (!discard && error) {
    try {
      std::rethrow_exception(error);
    } catch (const sql::SQLException& e) { discard = is_connection_lost(e.getErrorCode()); } catch (const DbUnavailable&) {
      discard = true;  // db::commit's CommitOutcomeUnknown
    } catch (...) {
    }
  }
  if (!discard) {
    // Like QueuePool's reset-on-return: whatever fn left open is undone.
    try {
      sql::Connection& c = *grant_.pooled->conn;
      c.rollback();
      if (!c.getAutoCommit()) c.setAutoCommit(true);
      grant_.pooled->meta.last_ok = PoolClock::now();  // the rollback was a round trip
    } catch (...) { discard = true; }
  }
  if (discard) {
    try {
      grant_.pooled.reset();
    } catch (...) {}
  }
  give_back();
}

}  // namespace keel::db
