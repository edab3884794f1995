#pragma once
// The SQL files of migrations/, embedded at build time (cmake/embed_migrations.cmake).
#include <string_view>
#include <vector>

namespace keel::db {

struct EmbeddedMigration {
  std::string_view name;  // e.g. "0001_init.sql"
  std::string_view sql;
};

// In file-name order.
const std::vector<EmbeddedMigration>& embedded_migrations();

}  // namespace keel::db
