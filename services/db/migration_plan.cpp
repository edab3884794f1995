#include "services/db/migration_plan.hpp"

#include "http/text/ascii.hpp"
#include "services/crypto/sha256.hpp"
#include "services/db/errors.hpp"

#include <set>

namespace keel::db {
namespace {

bool is_comment_line(std::string_view line) {
  const std::string_view t = text::trim(line, text::kWhitespace);
  return t.substr(0, 2) == "--" || t.substr(0, 1) == "#";
}

// True when the piece holds something other than blank lines and comment lines.
bool has_sql(std::string_view piece) {
  while (!piece.empty()) {
    const auto nl = piece.find('\n');
    const std::string_view line = piece.substr(0, nl);
    if (!text::trim(line, text::kWhitespace).empty() && !is_comment_line(line)) return true;
    if (nl == std::string_view::npos) break;
    piece.remove_prefix(nl + 1);
  }
  return false;
}

}  // namespace

bool valid_migration_name(std::string_view name) {
  constexpr std::string_view ext = ".sql";
  if (name.size() <= ext.size() || name.substr(name.size() - ext.size()) != ext) return false;
  const std::string_view stem = name.substr(0, name.size() - ext.size());
  std::size_t i = 0;
  while (i < stem.size() && stem[i] >= '0' && stem[i] <= '9') ++i;
  if (i < 4 || i >= stem.size() || stem[i] != '_' || i + 1 == stem.size()) return false;
  for (++i; i < stem.size(); ++i) {
    const char c = stem[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

std::vector<std::string> split_statements(std::string_view sql) {
  std::vector<std::string> out;
  std::size_t start = 0;  // of the current statement
  std::size_t pos = 0;    // of the current line
  auto flush = [&](std::size_t end) {
    const std::string_view piece = sql.substr(start, end - start);
    if (has_sql(piece)) out.emplace_back(text::trim(piece, text::kWhitespace));
  };
  while (pos < sql.size()) {
    const auto nl = sql.find('\n', pos);
    const std::size_t line_end = nl == std::string_view::npos ? sql.size() : nl;
    const std::string_view line = sql.substr(pos, line_end - pos);
    const std::string_view t = text::trim(line, text::kWhitespace);
    if (!t.empty() && t.back() == ';' && !is_comment_line(line)) {
      // The ';' is the last non-blank character: end the statement before it.
      const std::size_t semi = pos + line.find_last_of(';');
      flush(semi);
      start = line_end == sql.size() ? sql.size() : line_end + 1;
    }
    pos = line_end == sql.size() ? sql.size() : line_end + 1;
  }
  if (start < sql.size()) flush(sql.size());
  return out;
}

std::vector<std::string> plan_migrations(const std::map<std::string, std::string>& applied,
                                         const std::vector<EmbeddedMigration>& available) {
  std::set<std::string, std::less<>> present;
  std::string previous;
  for (const auto& m : available) {
    if (!valid_migration_name(m.name))
      throw MigrationError("migration file name " + std::string(m.name) + " is not NNNN_name.sql");
    if (!previous.empty() && !(previous < m.name))
      throw MigrationError("migrations are not in increasing order at " + std::string(m.name));
    previous = std::string(m.name);
    present.emplace(m.name);
  }
  for (const auto& [version, checksum] : applied) {
    if (!present.contains(version))
      throw MigrationError("migration " + version +
                           " is recorded in schema_migrations but no longer present in this build");
  }
  std::vector<std::string> pending;
  std::string last_applied;
  for (const auto& m : available) {
    const std::string name(m.name);
    auto it = applied.find(name);
    if (it == applied.end()) {
      pending.push_back(name);
      continue;
    }
    if (it->second != sha256_hex(m.sql))
      throw MigrationError("migration " + name + " was changed after it was applied");
    last_applied = name;
  }
  for (const auto& name : pending) {
    if (name < last_applied)
      throw MigrationError("migration " + name + " is pending but sorts before the applied " + last_applied);
  }
  return pending;
}

}  // namespace keel::db
