#include "services/uploads/repository.hpp"

#include "services/bookings/model.hpp"
#include "services/db/connection.hpp"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

namespace keel::uploads {

namespace {
constexpr const char* kColumns =
    "id, booking_id, filename, content_type, size, sha256, storage_path, metadata, created_at";

std::optional<Upload> select_one(sql::Connection& c, const std::string& id, bool for_update) {
  std::unique_ptr<sql::PreparedStatement> ps(c.prepareStatement(
      std::string("SELECT ") + kColumns + " FROM uploads WHERE id = ?" + (for_update ? " FOR UPDATE" : "")));
  ps->setString(1, id);
  std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
  if (!rs->next()) return std::nullopt;
  Upload u;
  u.id = rs->getString("id");
  if (!rs->isNull("booking_id")) u.booking_id = rs->getInt64("booking_id");
  u.filename = rs->getString("filename");
  u.content_type = rs->getString("content_type");
  u.size = rs->getUInt64("size");
  u.sha256 = rs->getString("sha256");
  u.storage_path = rs->getString("storage_path");
  if (!rs->isNull("metadata")) u.metadata_json = rs->getString("metadata");
  u.created_at = bookings::from_sql_datetime(std::string(rs->getString("created_at"))).value_or(0);
  return u;
}
}  // namespace

boost::asio::awaitable<void> Repository::insert(Upload u) {
  auto job = [u = std::move(u)](sql::Connection& c) {
    std::unique_ptr<sql::PreparedStatement> ps(c.prepareStatement(
        "INSERT INTO uploads (id, booking_id, filename, content_type, size, sha256, storage_path, metadata) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    ps->setString(1, u.id);
    if (u.booking_id)
      ps->setInt64(2, *u.booking_id);
    else
      ps->setNull(2, 0);
    ps->setString(3, u.filename);
    ps->setString(4, u.content_type);
    ps->setUInt64(5, u.size);
    ps->setString(6, u.sha256);
    ps->setString(7, u.storage_path);
    if (u.metadata_json.empty())
      ps->setNull(8, 0);
    else
      ps->setString(8, u.metadata_json);
    ps->executeUpdate();
  };
  co_await pool_.transact(std::move(job));
}

boost::asio::awaitable<std::optional<Upload>> Repository::get(std::string id) {
  auto job = [id = std::move(id)](sql::Connection& c) { return select_one(c, id, false); };
  co_return co_await pool_.read(std::move(job));
}

boost::asio::awaitable<std::optional<Upload>> Repository::remove(std::string id) {
  auto job = [id = std::move(id)](sql::Connection& c) -> std::optional<Upload> {
    c.setAutoCommit(false);
    auto u = select_one(c, id, true);
    if (u) {
      std::unique_ptr<sql::PreparedStatement> ps(c.prepareStatement("DELETE FROM uploads WHERE id = ?"));
      ps->setString(1, id);
      ps->executeUpdate();
    }
    db::commit(c);
    c.setAutoCommit(true);
    return u;
  };
  co_return co_await pool_.transact(std::move(job));
}

}  // namespace keel::uploads
