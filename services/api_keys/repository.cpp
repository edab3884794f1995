#include "services/api_keys/repository.hpp"

#include "services/bookings/model.hpp"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <memory>

namespace keel::api_keys {

namespace {
constexpr const char* kColumns = "id, name, prefix, rate_per_minute, created_at, revoked_at";

KeyRow row_of(sql::ResultSet& rs) {
  KeyRow r;
  r.id = rs.getInt64("id");
  r.name = rs.getString("name");
  r.prefix = rs.getString("prefix");
  if (!rs.isNull("rate_per_minute")) r.rate_per_minute = rs.getUInt64("rate_per_minute");
  r.created_at = bookings::sql_to_iso(std::string(rs.getString("created_at")));
  if (!rs.isNull("revoked_at")) r.revoked_at = bookings::sql_to_iso(std::string(rs.getString("revoked_at")));
  return r;
}
}  // namespace

boost::asio::awaitable<KeyRow> Repository::create(NewKey k) {
  auto job = [k = std::move(k)](sql::Connection& c) {
    std::unique_ptr<sql::PreparedStatement> ins(c.prepareStatement(
        "INSERT INTO api_keys (name, key_sha256, prefix, rate_per_minute, created_at) "
        "VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP(3))"));
    ins->setString(1, k.name);
    ins->setString(2, k.key_sha256);
    ins->setString(3, k.prefix);
    if (k.rate_per_minute)
      ins->setUInt64(4, *k.rate_per_minute);
    else
      ins->setNull(4, 0);
    ins->executeUpdate();
    std::unique_ptr<sql::Statement> st(c.createStatement());
    std::unique_ptr<sql::ResultSet> rs(
        st->executeQuery(std::string("SELECT ") + kColumns + " FROM api_keys WHERE id = LAST_INSERT_ID()"));
    rs->next();
    return row_of(*rs);
  };
  co_return co_await pool_.run(std::move(job));
}

boost::asio::awaitable<std::vector<KeyRow>> Repository::list() {
  auto job = [](sql::Connection& c) {
    std::unique_ptr<sql::Statement> st(c.createStatement());
    std::unique_ptr<sql::ResultSet> rs(st->executeQuery(std::string("SELECT ") + kColumns + " FROM api_keys ORDER BY id"));
    std::vector<KeyRow> out;
    while (rs->next()) out.push_back(row_of(*rs));
    return out;
  };
  co_return co_await pool_.read(job);
}

boost::asio::awaitable<RevokeResult> Repository::revoke(std::int64_t id) {
  auto job = [id](sql::Connection& c) {
    std::unique_ptr<sql::PreparedStatement> up(c.prepareStatement(
        "UPDATE api_keys SET revoked_at = CURRENT_TIMESTAMP(3) WHERE id = ? AND revoked_at IS NULL"));
    up->setInt64(1, id);
    if (up->executeUpdate() > 0) return RevokeResult::revoked;
    std::unique_ptr<sql::PreparedStatement> sel(c.prepareStatement("SELECT 1 FROM api_keys WHERE id = ?"));
    sel->setInt64(1, id);
    std::unique_ptr<sql::ResultSet> rs(sel->executeQuery());
    return rs->next() ? RevokeResult::already_revoked : RevokeResult::not_found;
  };
  co_return co_await pool_.transact(job);
}

boost::asio::awaitable<std::vector<StoredKey>> Repository::active() {
  auto job = [](sql::Connection& c) {
    std::unique_ptr<sql::Statement> st(c.createStatement());
    std::unique_ptr<sql::ResultSet> rs(
        st->executeQuery("SELECT id, name, key_sha256, rate_per_minute FROM api_keys WHERE revoked_at IS NULL"));
    std::vector<StoredKey> out;
    while (rs->next()) {
      StoredKey k;
      k.id = rs->getInt64("id");
      k.name = rs->getString("name");
      k.key_sha256 = rs->getString("key_sha256");
      if (!rs->isNull("rate_per_minute")) k.rate_per_minute = rs->getUInt64("rate_per_minute");
      out.push_back(std::move(k));
    }
    return out;
  };
  co_return co_await pool_.read(job);
}

}  // namespace keel::api_keys
