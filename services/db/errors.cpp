#include "services/db/errors.hpp"

#include <cppconn/exception.h>

#include <string>

namespace keel::db {

void rethrow_as_db_error(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const sql::SQLException& e) {
    const int code = e.getErrorCode();
    if (is_conflict(code))
      throw TransactionConflict("transaction conflict (error " + std::to_string(code) + "): " + e.what(), code);
    if (!is_unavailable(code)) throw;
    throw DbUnavailable("database connection lost (error " + std::to_string(code) + "): " + e.what(), code);
  }
}

}  // namespace keel::db
