#pragma once
// Is the database's schema current? One connection of its own, opened and
// closed here: keel serve checks at start (and refuses pending migrations
// unless KEEL_AUTO_MIGRATE=1), keel migrate applies them.
#include "services/db/url.hpp"

#include <string>
#include <vector>

namespace keel::db {

struct SchemaStatus {
  enum Kind { current, pending, unreachable, failed } kind = unreachable;
  std::vector<std::string> names;  // pending (or just applied) migrations
  std::string message;             // for unreachable / failed
};

// Blocking. With apply=true pending migrations are applied (kind is then
// current, names the applied ones).
SchemaStatus check_schema(const DbUrl& url, bool apply);

}  // namespace keel::db
