#pragma once
// Is the database's schema current? Checked at start (keel serve refuses to
// start on pending migrations unless KEEL_AUTO_MIGRATE=1) and, while the
// database is unreachable, again in the background until it is.
#include "services/context.hpp"
#include "services/db/url.hpp"

#include <string>
#include <vector>

namespace keel {

struct SchemaStatus {
  enum Kind { current, pending, unreachable, failed } kind = unreachable;
  std::vector<std::string> names;  // pending (or just applied) migrations
  std::string message;             // for unreachable / failed
};

// Blocking: opens its own connection. With apply=true pending migrations
// are applied (kind is then current, names the applied ones).
SchemaStatus check_schema(const db::DbUrl& url, bool apply);

// Re-checks every 2 s until the schema is current (io side; the check runs
// on the blocking pool).
void watch_schema(AppContext& ctx, const db::DbUrl& url);

}  // namespace keel
