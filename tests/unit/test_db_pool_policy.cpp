// The pool's bookkeeping rules, without a database.
#include "services/db/pool_policy.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

using namespace keel::db;
using namespace std::chrono_literals;

namespace {

using Policy = PoolPolicy<std::string>;
const PoolClock::time_point t0 = PoolClock::time_point{} + 1000h;

Pooled<std::string> conn(std::string name, PoolClock::time_point opened = t0, std::int64_t started = 0) {
  return Pooled<std::string>{std::move(name), ConnMeta{opened, started}};
}

// Checks out a slot that must open a new connection, and "opens" it.
Pooled<std::string> open_new(Policy& p, const std::string& name, PoolClock::time_point now = t0) {
  auto g = p.try_checkout(now);
  EXPECT_TRUE(g.has_value());
  EXPECT_FALSE(g && g->pooled.has_value());
  return conn(name, now);
}

}  // namespace

TEST(DbPoolPolicy, OpensUpToSizePlusOverflowThenMustWait) {
  Policy p(2, 2, 3600s);
  for (int i = 0; i < 4; ++i) open_new(p, "c" + std::to_string(i));
  EXPECT_FALSE(p.try_checkout(t0).has_value());
  const auto s = p.stats();
  EXPECT_EQ(s.open, 4u);
  EXPECT_EQ(s.checked_out, 4u);
  EXPECT_EQ(s.overflow_in_use, 2u);
  EXPECT_EQ(s.idle, 0u);
}

TEST(DbPoolPolicy, OverflowConnectionsAreClosedOnReturnKeptOnesStay) {
  Policy p(2, 2, 3600s);
  auto a = open_new(p, "a");
  auto b = open_new(p, "b");
  auto c = open_new(p, "c");
  auto d = open_new(p, "d");
  auto r = p.release(std::move(c), t0);
  ASSERT_TRUE(r.to_close.has_value());
  EXPECT_EQ(*r.to_close, "c");
  r = p.release(std::move(a), t0);
  ASSERT_TRUE(r.to_close.has_value());
  EXPECT_EQ(*r.to_close, "a");
  EXPECT_EQ(p.stats().overflow_in_use, 0u);
  r = p.release(std::move(d), t0);
  EXPECT_FALSE(r.to_close.has_value());
  r = p.release(std::move(b), t0);
  EXPECT_FALSE(r.to_close.has_value());
  const auto s = p.stats();
  EXPECT_EQ(s.open, 2u);
  EXPECT_EQ(s.idle, 2u);
  EXPECT_EQ(s.checked_out, 0u);
}

TEST(DbPoolPolicy, IdleConnectionsAreReusedFifo) {
  Policy p(2, 0, 3600s);
  auto a = open_new(p, "a");
  auto b = open_new(p, "b");
  p.release(std::move(b), t0);
  p.release(std::move(a), t0);
  auto g = p.try_checkout(t0);
  ASSERT_TRUE(g && g->pooled);
  EXPECT_EQ(g->pooled->conn, "b");
  EXPECT_EQ(g->staleness, Staleness::fresh);
}

TEST(DbPoolPolicy, WaitersAreServedFirstComeFirstServed) {
  Policy p(1, 1, 3600s);
  auto a = open_new(p, "a");
  auto b = open_new(p, "b");
  ASSERT_FALSE(p.try_checkout(t0));
  const WaiterId w1 = p.enqueue();
  const WaiterId w2 = p.enqueue();
  const WaiterId w3 = p.enqueue();
  EXPECT_EQ(p.stats().waiting, 3u);

  auto r = p.release(std::move(b), t0);  // overflow, but a waiter needs it: handed over, not closed
  EXPECT_FALSE(r.to_close.has_value());
  ASSERT_TRUE(r.handoff.has_value());
  EXPECT_EQ(r.handoff->first, w1);
  ASSERT_TRUE(r.handoff->second.pooled);
  EXPECT_EQ(r.handoff->second.pooled->conn, "b");

  EXPECT_TRUE(p.cancel_wait(w2));   // w2 gave up (timeout)
  EXPECT_FALSE(p.cancel_wait(w1));  // already served
  p.note_timeout();

  r = p.release(std::move(a), t0);
  ASSERT_TRUE(r.handoff.has_value());
  EXPECT_EQ(r.handoff->first, w3);
  const auto s = p.stats();
  EXPECT_EQ(s.waiting, 0u);
  EXPECT_EQ(s.checked_out, 2u);
  EXPECT_EQ(s.open, 2u);
  EXPECT_EQ(s.timeouts_total, 1u);
}

TEST(DbPoolPolicy, NewCallersDoNotOvertakeWaiters) {
  Policy p(1, 0, 3600s);
  auto a = open_new(p, "a");
  p.enqueue();
  p.release(std::move(a), t0);  // goes to the waiter
  EXPECT_FALSE(p.try_checkout(t0).has_value());
}

TEST(DbPoolPolicy, DiscardedConnectionFreesItsSlot) {
  Policy p(1, 1, 3600s);
  open_new(p, "a");
  open_new(p, "b");
  auto r = p.release(std::nullopt, t0);  // "a" died under fn
  EXPECT_FALSE(r.to_close);
  EXPECT_EQ(p.stats().open, 1u);
  auto g = p.try_checkout(t0);
  ASSERT_TRUE(g.has_value());
  EXPECT_FALSE(g->pooled.has_value());  // open a new one
  EXPECT_EQ(p.stats().open, 2u);
}

TEST(DbPoolPolicy, DiscardedConnectionSlotGoesToWaiterAsNewConnection) {
  Policy p(1, 0, 3600s);
  open_new(p, "a");
  const WaiterId w = p.enqueue();
  auto r = p.release(std::nullopt, t0);
  ASSERT_TRUE(r.handoff);
  EXPECT_EQ(r.handoff->first, w);
  EXPECT_FALSE(r.handoff->second.pooled.has_value());
  EXPECT_EQ(p.stats().open, 1u);
  EXPECT_EQ(p.stats().checked_out, 1u);
}

TEST(DbPoolPolicy, OldConnectionsAreRecycled) {
  Policy p(1, 0, 60s);
  auto a = open_new(p, "a", t0);
  p.release(std::move(a), t0);
  auto g = p.try_checkout(t0 + 59s);
  ASSERT_TRUE(g && g->pooled);
  EXPECT_EQ(g->staleness, Staleness::fresh);
  p.release(std::move(*g->pooled), t0 + 59s);
  g = p.try_checkout(t0 + 60s);
  ASSERT_TRUE(g && g->pooled);
  EXPECT_EQ(g->staleness, Staleness::recycle);
}

TEST(DbPoolPolicy, RecycleZeroMeansNever) {
  Policy p(1, 0, 0s);
  auto a = open_new(p, "a", t0);
  p.release(std::move(a), t0);
  auto g = p.try_checkout(t0 + 1000000h);
  ASSERT_TRUE(g && g->pooled);
  EXPECT_EQ(g->staleness, Staleness::fresh);
}

TEST(DbPoolPolicy, ServerRestartMakesOlderConnectionsStale) {
  Policy p(2, 0, 3600s);
  p.release(conn("old", t0, 1'700'000'000), t0);  // pretend it was checked out
  EXPECT_FALSE(p.note_server_start(1'700'000'000));
  EXPECT_FALSE(p.note_server_start(1'700'000'001));  // jitter of the start time, same server
  EXPECT_EQ(p.staleness(ConnMeta{t0, 1'700'000'001}, t0), Staleness::fresh);

  EXPECT_TRUE(p.note_server_start(1'700'000'500));  // restarted
  EXPECT_EQ(p.stats().restarts_detected, 1u);
  EXPECT_EQ(p.staleness(ConnMeta{t0, 1'700'000'000}, t0), Staleness::server_restart);
  EXPECT_EQ(p.staleness(ConnMeta{t0, 1'700'000'499}, t0), Staleness::fresh);  // within jitter
  EXPECT_EQ(p.staleness(ConnMeta{t0, 1'700'000'500}, t0), Staleness::fresh);
  EXPECT_EQ(p.staleness(ConnMeta{t0, 0}, t0), Staleness::fresh);  // unknown start: pre-ping decides
  EXPECT_FALSE(p.note_server_start(1'700'000'000));               // a late report of the old server
  EXPECT_EQ(p.known_server_start(), 1'700'000'500);
}

TEST(DbPoolPolicy, IdleConnectionFromBeforeRestartIsHandedOutStale) {
  Policy p(2, 0, 3600s);
  auto a = open_new(p, "a");
  a.meta.server_started_at = 1000;
  p.note_server_start(1000);
  p.release(std::move(a), t0);
  p.note_server_start(5000);
  auto g = p.try_checkout(t0 + 1s);
  ASSERT_TRUE(g && g->pooled);
  EXPECT_EQ(g->staleness, Staleness::server_restart);
}

// HikariCP's aliveBypassWindowMs: no pre-ping for a connection whose last
// round trip succeeded within the window; one never used is pinged.
TEST(DbPoolPolicy, RecentlyUsedConnectionsSkipThePrePing) {
  struct Case {
    std::chrono::milliseconds window;
    std::optional<std::chrono::milliseconds> used_ago;  // none: never used
    Staleness want;
  } cases[] = {
      {500ms, 0ms, Staleness::recent},   {500ms, 499ms, Staleness::recent}, {500ms, 500ms, Staleness::fresh},
      {500ms, 5000ms, Staleness::fresh}, {500ms, std::nullopt, Staleness::fresh},
      {0ms, 0ms, Staleness::fresh},  // 0: ping at every checkout
  };
  for (const auto& c : cases) {
    Policy p(1, 0, 3600s, c.window);
    ConnMeta m{t0 - 1min, 0, 0};
    const auto now = t0;
    if (c.used_ago) m.last_ok = now - *c.used_ago;
    EXPECT_EQ(p.staleness(m, now), c.want) << c.window.count() << " ms window, used "
                                           << (c.used_ago ? std::to_string(c.used_ago->count()) + " ms ago" : "never");
  }
  // Recycling and a server restart still win over a recent use.
  Policy p(1, 0, 60s, 500ms);
  ConnMeta old{t0 - 2min, 0, 0, t0};
  EXPECT_EQ(p.staleness(old, t0), Staleness::recycle);
  EXPECT_FALSE(p.note_server_start(1000));
  EXPECT_TRUE(p.note_server_start(2000));
  ConnMeta before_restart{t0, 1000, 0, t0};
  EXPECT_EQ(p.staleness(before_restart, t0), Staleness::server_restart);
}

TEST(DbPoolPolicy, CloseHandsOutIdleAndRefusesCheckouts) {
  Policy p(2, 1, 3600s);
  auto a = open_new(p, "a");
  auto b = open_new(p, "b");
  auto c = open_new(p, "c");
  EXPECT_TRUE(p.release(std::move(c), t0).to_close);   // overflow: closed
  EXPECT_FALSE(p.release(std::move(a), t0).to_close);  // kept idle
  const WaiterId w = p.enqueue();                      // (a waiter queued earlier, say)
  auto [idle, waiters] = p.close();
  ASSERT_EQ(idle.size(), 1u);
  EXPECT_EQ(idle[0], "a");
  ASSERT_EQ(waiters.size(), 1u);
  EXPECT_EQ(waiters[0], w);
  EXPECT_TRUE(p.closed());
  EXPECT_FALSE(p.try_checkout(t0));
  auto r = p.release(std::move(b), t0);
  ASSERT_TRUE(r.to_close);
  EXPECT_FALSE(r.handoff);
  const auto s = p.stats();
  EXPECT_EQ(s.open, 0u);
  EXPECT_EQ(s.checked_out, 0u);
}

TEST(DbPoolPolicy, CountsReconnectsAndRecycles) {
  Policy p(1, 0, 3600s);
  p.note_reconnect();
  p.note_reconnect();
  p.note_recycle();
  EXPECT_EQ(p.stats().reconnects_total, 2u);
  EXPECT_EQ(p.stats().recycles_total, 1u);
}
