#pragma once
// The pure part of migrations: naming, splitting a file into statements, and
// deciding what to apply given what the database has recorded.
#include "services/db/migrations_data.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace keel::db {

// NNNN_name.sql: four or more digits, '_', [a-z0-9_] name, ".sql".
bool valid_migration_name(std::string_view name);

// Splits a migration file into statements: a statement ends with ';' as the
// last non-blank character of a line (so keep SQL files simple: no stored
// procedures, no ';' at a line end inside a string). Lines that are only a
// comment (-- or #) never end a statement; pieces holding nothing but blanks
// and comments are dropped. Returned statements have no trailing ';'.
std::vector<std::string> split_statements(std::string_view sql);

// What to apply, in order, given the recorded history (version -> sha256
// hex). Throws MigrationError when a recorded migration changed, is no longer
// present, or a pending one sorts before an applied one; or when the
// available list is not NNNN_name.sql in strictly increasing order.
std::vector<std::string> plan_migrations(const std::map<std::string, std::string>& applied,
                                         const std::vector<EmbeddedMigration>& available);

}  // namespace keel::db
