#include "services/db/schema_check.hpp"

#include "services/db/connection.hpp"
#include "services/db/migrations.hpp"

#include <cppconn/connection.h>

#include <exception>
#include <memory>

namespace keel::db {

SchemaStatus check_schema(const DbUrl& url, bool apply) {
  SchemaStatus st;
  std::unique_ptr<sql::Connection> conn;
  try {
    std::int64_t started = 0;
    conn = open_connection(url, ConnectOptions{}, started);
  } catch (const std::exception& e) {
    st.kind = SchemaStatus::unreachable;
    st.message = e.what();
    return st;
  }
  try {
    st.names = apply ? apply_pending(*conn) : pending(*conn);
    st.kind = (apply || st.names.empty()) ? SchemaStatus::current : SchemaStatus::pending;
  } catch (const std::exception& e) {
    st.kind = SchemaStatus::failed;
    st.message = e.what();
  }
  return st;
}

}  // namespace keel::db
