#include "app/api_key_refresh.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace keel {

namespace {
constexpr std::chrono::seconds kRefreshEvery{2};

// One refresh; false when it failed (the message is logged once per outage).
awaitable<bool> refresh_once(AppContext& ctx, bool reported) {
  try {
    const std::uint64_t since = ctx.api_keys.begin_refresh();
    std::vector<api_keys::StoredKey> rows = co_await ctx.api_key_rows->active();
    ctx.api_keys.replace(rows, since);
    ctx.rate_limits.retain(ctx.api_keys.ids());
    if (reported) spdlog::info("API keys refreshed again from the database");
    co_return true;
  } catch (const std::exception& e) {
    if (!reported) spdlog::warn("cannot refresh the API keys (keeping the last ones): {}", e.what());
  }
  co_return false;
}
}  // namespace

void watch_api_keys(AppContext& ctx) {
  boost::asio::co_spawn(
      ctx.io_executor,
      [&ctx]() -> awaitable<void> {
        bool failing = false;
        while (!ctx.stopping.load()) {
          if (ctx.db && ctx.api_key_rows && ctx.schema_current.load()) {
            bool ok = co_await refresh_once(ctx, failing);
            failing = !ok;
          }
          boost::asio::steady_timer t(ctx.io_executor, kRefreshEvery);
          co_await t.async_wait(boost::asio::use_awaitable);
        }
      },
      boost::asio::detached);
}

}  // namespace keel
