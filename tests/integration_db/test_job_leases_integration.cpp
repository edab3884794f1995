// services/jobs/lease_repository against a real MariaDB: of two owners
// taking one tick exactly one wins; an expired lease hands over; release
// frees it; renew only for its owner; next_due holds back the next tick.
#include "db_test_support.hpp"
#include "services/db/migrations.hpp"
#include "services/db/pool.hpp"
#include "services/jobs/lease_repository.hpp"

#include <boost/asio/detached.hpp>

#include <atomic>

using namespace keel::db;
using namespace keel::db::test;
using namespace std::chrono_literals;
using keel::jobs::LeaseRepository;

namespace {
class JobLeasesTest : public DbTest {
 protected:
  void SetUp() override {
    DbTest::SetUp();
    auto c = connect(url_);
    apply_pending(*c);
    PoolConfig config;
    config.url = url_;
    config.pool_size = 4;
    config.max_overflow = 0;
    pool_ = std::make_unique<Pool>(config, blocking_);
    leases_ = std::make_unique<LeaseRepository>(*pool_);
  }
  void TearDown() override {
    leases_.reset();
    pool_.reset();
    DbTest::TearDown();
  }
  keel::BlockingPool blocking_{4};
  std::unique_ptr<Pool> pool_;
  std::unique_ptr<LeaseRepository> leases_;
};
}  // namespace

TEST_F(JobLeasesTest, OfTwoOwnersTakingOneTickExactlyOneWins) {
  for (int round = 0; round < 20; ++round) {
    const std::string job = "job-" + std::to_string(round);
    std::atomic<int> wins{0};
    // Both at once, each from its own coroutine on a multi-threaded io_context.
    run_io(
        [&]() -> boost::asio::awaitable<void> {
          auto ex = co_await boost::asio::this_coro::executor;
          std::atomic<int> left{2};
          for (const char* owner : {"a", "b"}) {
            auto one = [&, owner]() -> boost::asio::awaitable<void> {
              if (co_await leases_->take(job, owner, 10s, 5s, true)) ++wins;
              --left;
            };
            boost::asio::co_spawn(ex, one, boost::asio::detached);
          }
          while (left.load() > 0) co_await sleep_for(5ms);
        },
        2);
    EXPECT_EQ(wins.load(), 1) << job;
  }
}

TEST_F(JobLeasesTest, HeldThenReleasedThenHeldBackByNextDue) {
  run_io([&]() -> boost::asio::awaitable<void> {
    EXPECT_TRUE(co_await leases_->take("j", "a", 10s, 1s, true));
    EXPECT_FALSE(co_await leases_->take("j", "b", 10s, 1s, false)) << "held: not even a manual run";
    auto h = co_await leases_->holders();
    EXPECT_EQ(h["j"].holder, "a");
    EXPECT_EQ(h["j"].last_run_by, "a");
    EXPECT_FALSE(co_await leases_->renew("j", "b", 10s)) << "only its owner renews";
    EXPECT_TRUE(co_await leases_->renew("j", "a", 10s));
    co_await leases_->release("j", "b");  // not b's: nothing happens
    EXPECT_EQ((co_await leases_->holders())["j"].holder, "a");
    co_await leases_->release("j", "a");
    EXPECT_EQ((co_await leases_->holders())["j"].holder, std::nullopt);
    EXPECT_EQ((co_await leases_->holders())["j"].last_run_by, "a") << "kept between runs";
    // Free, but next_due (1 s on) has not come: a tick loses, a manual run wins.
    EXPECT_FALSE(co_await leases_->take("j", "b", 10s, 1s, true));
    EXPECT_TRUE(co_await leases_->take("j", "b", 10s, 1s, false));
    co_await leases_->release("j", "b");
    co_await sleep_for(1100ms);
    EXPECT_TRUE(co_await leases_->take("j", "a", 10s, 1s, true)) << "next_due has come";
  });
}

TEST_F(JobLeasesTest, AnExpiredLeaseIsTakenOver) {
  run_io([&]() -> boost::asio::awaitable<void> {
    EXPECT_TRUE(co_await leases_->take("j", "dead", 500ms, 0ms, true));
    EXPECT_FALSE(co_await leases_->take("j", "b", 10s, 0ms, true));
    co_await sleep_for(600ms);
    EXPECT_EQ((co_await leases_->holders())["j"].holder, std::nullopt) << "an expired lease has no holder";
    EXPECT_TRUE(co_await leases_->take("j", "b", 10s, 0ms, true));
    EXPECT_EQ((co_await leases_->holders())["j"].holder, "b");
    EXPECT_EQ((co_await leases_->holders())["j"].last_run_by, "b");
    EXPECT_FALSE(co_await leases_->renew("j", "dead", 10s)) << "the old owner lost it";
  });
}
