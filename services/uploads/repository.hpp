#pragma once
// Upload rows in MariaDB (prepared statements only).
#include "services/db/pool.hpp"

#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace keel::uploads {

struct Upload {
  std::string id;
  std::optional<std::int64_t> booking_id;
  std::string filename;
  std::string content_type;
  std::uint64_t size = 0;
  std::string sha256;
  std::string storage_path;
  std::string metadata_json;    // "{...}" or empty
  std::int64_t created_at = 0;  // epoch seconds, UTC
};

class Repository {
 public:
  explicit Repository(db::Pool& pool) : pool_(pool) {}
  boost::asio::awaitable<void> insert(Upload u);
  boost::asio::awaitable<std::optional<Upload>> get(std::string id);
  // Removes the row; returns it (for its file) when there was one.
  boost::asio::awaitable<std::optional<Upload>> remove(std::string id);

 private:
  db::Pool& pool_;
};

}  // namespace keel::uploads
