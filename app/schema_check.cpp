#include "app/schema_check.hpp"

#include "services/db/connection.hpp"
#include "services/db/migrations.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <spdlog/spdlog.h>

namespace keel {

SchemaStatus check_schema(const db::DbUrl& url, bool apply) {
  SchemaStatus st;
  std::unique_ptr<sql::Connection> conn;
  try {
    std::int64_t started = 0;
    conn = db::open_connection(url, db::ConnectOptions{}, started);
  } catch (const std::exception& e) {
    st.kind = SchemaStatus::unreachable;
    st.message = e.what();
    return st;
  }
  try {
    st.names = apply ? db::apply_pending(*conn) : db::pending(*conn);
    st.kind = (apply || st.names.empty()) ? SchemaStatus::current : SchemaStatus::pending;
  } catch (const std::exception& e) {
    st.kind = SchemaStatus::failed;
    st.message = e.what();
  }
  return st;
}

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
          SchemaStatus st = co_await run_blocking(ctx.blocking, [&] { return check_schema(url, ctx.config.auto_migrate); });
          switch (st.kind) {
            case SchemaStatus::current:
              ctx.schema_current = true;
              spdlog::info("database reachable, schema current{}", st.names.empty() ? "" : " (applied " + join(st.names) + ")");
              break;
            case SchemaStatus::pending:
              if (!reported) spdlog::error("database schema not current: pending {}; run keel migrate", join(st.names));
              reported = true;
              break;
            case SchemaStatus::failed:
              if (!reported) spdlog::error("database schema check failed: {}", st.message);
              reported = true;
              break;
            case SchemaStatus::unreachable:
              break;
          }
        }
      },
      boost::asio::detached);
}

}  // namespace keel
