#pragma once
// Applies migrations/NNNN_name.sql (embedded in the binary) in order and
// records each in schema_migrations (version = file name, checksum = sha256
// hex of the file, applied_at UTC). Blocking: run on the blocking pool, e.g.
//   co_await pool.run([](sql::Connection& c) { return keel::db::apply_pending(c); });
//
// MariaDB commits DDL implicitly, so a migration that fails half-way leaves
// its earlier statements applied and is not recorded: keep one DDL statement
// per file where practical, or make statements idempotent (CREATE TABLE IF
// NOT EXISTS, ADD COLUMN IF NOT EXISTS, ...) so a rerun after the fix passes.
#include "services/db/migrations_data.hpp"

#include <string>
#include <vector>

namespace sql {
class Connection;
}

namespace keel::db {

// Names of the migrations not yet applied, in order (read-only: does not
// create schema_migrations). Throws MigrationError when the recorded
// history disagrees with the files (changed checksum, missing file).
std::vector<std::string> pending(sql::Connection& conn);

// Applies the pending migrations one statement at a time and records each
// after it succeeds; returns the names applied (empty when up to date, so
// running twice is running once). Holds GET_LOCK('keel_migrations:<db>')
// and, for a Galera cluster where GET_LOCK is per node, the row of
// schema_migrations_lock while it works, so two processes never migrate the
// same database at once.
// Throws MigrationError (history mismatch, lock not taken within
// lock_timeout_s, a failing statement: the message names file and statement).
std::vector<std::string> apply_pending(sql::Connection& conn);

// The same against an explicit list (tests).
std::vector<std::string> pending(sql::Connection& conn, const std::vector<EmbeddedMigration>& migrations);
std::vector<std::string> apply_pending(sql::Connection& conn, const std::vector<EmbeddedMigration>& migrations,
                                       int lock_timeout_s = 30);

}  // namespace keel::db
