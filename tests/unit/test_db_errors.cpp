// Database errors: services/db turns the driver's "connection or server
// gone" errors into db::DbUnavailable, and middleware answers keel's own
// types (and only those) with a retryable 503.
#include "middleware/db_errors.hpp"
#include "services/db/errors.hpp"

#include <cppconn/exception.h>
#include <gtest/gtest.h>

#include <stdexcept>

using namespace keel;

namespace {

// What rethrow_as_db_error() made of `error`: "DbUnavailable <code>",
// "SQLException <code>" or "other <what>".
std::string translated(std::exception_ptr error) {
  try {
    db::rethrow_as_db_error(error);
  } catch (const db::DbUnavailable& e) {
    return "DbUnavailable " + std::to_string(e.driver_code);
  } catch (const sql::SQLException& e) {
    return "SQLException " + std::to_string(e.getErrorCode());
  } catch (const std::exception& e) { return std::string("other ") + e.what(); }
  return "nothing thrown";
}

std::exception_ptr sql_error(int code) {
  return std::make_exception_ptr(sql::SQLException("driver says " + std::to_string(code), "HY000", code));
}

}  // namespace

TEST(DbErrors, DriverErrorsMeaningGoneBecomeDbUnavailable) {
  struct Case {
    int code;
    const char* becomes;
  };
  const Case cases[] = {
      {2006, "DbUnavailable 2006"},  // server has gone away
      {2013, "DbUnavailable 2013"},  // lost connection during query
      {2055, "DbUnavailable 2055"},  // lost connection (system error)
      {2002, "DbUnavailable 2002"},  // cannot connect through the socket
      {2003, "DbUnavailable 2003"},  // cannot connect over TCP
      {1053, "DbUnavailable 1053"},  // server shutdown in progress
      {1927, "DbUnavailable 1927"},  // connection was killed
      {1062, "SQLException 1062"},   // duplicate key: the caller's business
      {1064, "SQLException 1064"},   // syntax error: a bug, stays a 500
      {4025, "SQLException 4025"},   // CHECK constraint failed
      {0, "SQLException 0"},
  };
  for (const auto& c : cases) EXPECT_EQ(translated(sql_error(c.code)), c.becomes) << c.code;
}

TEST(DbErrors, OtherExceptionsPassUnchanged) {
  EXPECT_EQ(translated(std::make_exception_ptr(std::runtime_error("boom"))), "other boom");
  EXPECT_EQ(translated(std::make_exception_ptr(db::PoolTimeout("busy"))), "other busy");
  EXPECT_EQ(translated(std::make_exception_ptr(db::DbUnavailable("closed"))), "DbUnavailable 0");
}

TEST(DbErrors, TranslatedMessageKeepsTheDriverText) {
  try {
    db::rethrow_as_db_error(sql_error(2013));
  } catch (const db::DbUnavailable& e) {
    EXPECT_NE(std::string(e.what()).find("driver says 2013"), std::string::npos) << e.what();
  }
}

TEST(DbErrorResponse, KeelsOwnTypesAreRetryable503s) {
  Request req;
  req.method = "GET";
  req.path = "/x";
  struct Case {
    std::exception_ptr error;
    int status;  // 0: not a database answer (the error catcher's 500)
    const char* detail;
  };
  const Case cases[] = {
      {std::make_exception_ptr(db::PoolTimeout("no connection in 30000 ms")), 503, "database busy"},
      {std::make_exception_ptr(db::DbUnavailable("cannot connect")), 503, "database unavailable"},
      {std::make_exception_ptr(db::DbUnavailable("lost", 2013)), 503, "database unavailable"},
      // The driver's own exceptions never reach middleware as such: a
      // lost connection arrives as DbUnavailable; any other SQL error is a 500.
      {sql_error(1064), 0, ""},
      {std::make_exception_ptr(std::runtime_error("bug")), 0, ""},
  };
  for (const auto& c : cases) {
    std::optional<Response> r;
    try {
      std::rethrow_exception(c.error);
    } catch (const std::exception& e) { r = db_error_response(e, req); }
    if (c.status == 0) {
      EXPECT_FALSE(r.has_value()) << c.detail;
      continue;
    }
    ASSERT_TRUE(r.has_value()) << c.detail;
    EXPECT_EQ(r->status, c.status);
    EXPECT_EQ(std::get<std::string>(r->body), std::string(R"({"detail":")") + c.detail + "\"}");
    EXPECT_EQ(r->headers.get("Retry-After").value_or(""), "1");
  }
}
