#include "app/schema_check.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace keel {

namespace {
std::string join(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}
}  // namespace

void watch_schema(AppContext& ctx, const db::DbUrl& url) {
  boost::asio::co_spawn(
      ctx.io_executor,
      [&ctx, url]() -> awaitable<void> {
        bool reported = false;
        while (!ctx.schema_current.load() && !ctx.stopping.load()) {
          boost::asio::steady_timer t(ctx.io_executor, std::chrono::seconds(2));
          co_await t.async_wait(boost::asio::use_awaitable);
          if (ctx.stopping.load()) co_return;
          auto check = [&] { return db::check_schema(url, ctx.config.auto_migrate); };
          db::SchemaStatus st = co_await run_blocking(ctx.blocking, check);
          switch (st.kind) {
            case db::SchemaStatus::current:
              ctx.schema_current = true;
              spdlog::info("database reachable, schema current{}",
                           st.names.empty() ? "" : " (applied " + join(st.names) + ")");
              break;
            case db::SchemaStatus::pending:
              if (!reported) spdlog::error("database schema not current: pending {}; run keel migrate", join(st.names));
              reported = true;
              break;
            case db::SchemaStatus::failed:
              if (!reported) spdlog::error("database schema check failed: {}", st.message);
              reported = true;
              break;
            case db::SchemaStatus::unreachable:
              break;
          }
        }
      },
      boost::asio::detached);
}

}  // namespace keel
