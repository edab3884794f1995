#include "services/idempotency/repository.hpp"

#include "http/random_id.hpp"

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <cstdint>
#include <istream>
#include <iterator>
#include <memory>
#include <sstream>

namespace keel::idempotency {

namespace {

// Attempts at claiming a key whose row changes under us (taken over,
// removed) before answering "in progress".
constexpr int kClaimAttempts = 3;

// Hashes travel as hex, stored as BINARY(32) through UNHEX.
std::string hex(const Sha256Digest& d) { return to_hex(d); }

std::string read_blob(sql::ResultSet& rs, const char* column) {
  std::unique_ptr<std::istream> in(rs.getBlob(column));
  if (!in) return {};
  return std::string(std::istreambuf_iterator<char>(*in), std::istreambuf_iterator<char>());
}

bool insert_running(sql::Connection& c, const std::string& lookup, const std::string& request, const std::string& run,
                    long ttl_h) {
  std::unique_ptr<sql::PreparedStatement> ps(c.prepareStatement(
      "INSERT IGNORE INTO idempotency_keys (lookup_hash, request_hash, run_id, state, started_at, expires_at) "
      "VALUES (UNHEX(?), UNHEX(?), ?, 'running', NOW(3), NOW(3) + INTERVAL ? HOUR)"));
  ps->setString(1, lookup);
  ps->setString(2, request);
  ps->setString(3, run);
  ps->setInt64(4, ttl_h);
  return ps->executeUpdate() == 1;
}

bool take_over(sql::Connection& c, const std::string& lookup, const std::string& old_run, const std::string& request,
               const std::string& run, long ttl_h) {
  std::unique_ptr<sql::PreparedStatement> ps(
      c.prepareStatement("UPDATE idempotency_keys SET request_hash = UNHEX(?), run_id = ?, state = 'running', status = "
                         "NULL, answer = NULL, "
                         "created_at = NOW(3), started_at = NOW(3), expires_at = NOW(3) + INTERVAL ? HOUR "
                         "WHERE lookup_hash = UNHEX(?) AND run_id = ?"));
  ps->setString(1, request);
  ps->setString(2, run);
  ps->setInt64(3, ttl_h);
  ps->setString(4, lookup);
  ps->setString(5, old_run);
  return ps->executeUpdate() == 1;
}

}  // namespace

boost::asio::awaitable<Begun> Repository::begin(Sha256Digest lookup, Sha256Digest request, std::chrono::hours ttl) {
  auto job = [lookup = hex(lookup), request = hex(request), run = random_id(),
              ttl_h = static_cast<long>(ttl.count())](sql::Connection& c) -> Begun {
    Begun out;
    out.run_id = run;
    for (int attempt = 0; attempt < kClaimAttempts; ++attempt) {
      if (insert_running(c, lookup, request, run, ttl_h)) {
        out.decision = Decision::run;
        return out;
      }
      std::unique_ptr<sql::PreparedStatement> ps(
          c.prepareStatement("SELECT run_id, state = 'done' AS done, request_hash = UNHEX(?) AS same_request, "
                             "expires_at <= NOW(3) AS expired, "
                             "started_at <= NOW(3) - INTERVAL ? SECOND AS stale, status, answer "
                             "FROM idempotency_keys WHERE lookup_hash = UNHEX(?)"));
      ps->setString(1, request);
      ps->setInt64(2, static_cast<std::int64_t>(kTakeOverAfter.count()));
      ps->setString(3, lookup);
      std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
      if (!rs->next()) continue;  // removed since the INSERT: try again
      Found found{.done = rs->getBoolean("done"),
                  .same_request = rs->getBoolean("same_request"),
                  .expired = rs->getBoolean("expired"),
                  .stale = rs->getBoolean("stale")};
      out.decision = decide(found);
      if (out.decision == Decision::replay) {
        out.status = rs->getInt("status");
        out.sealed_answer = read_blob(*rs, "answer");
        return out;
      }
      if (out.decision != Decision::take_over) return out;
      if (take_over(c, lookup, std::string(rs->getString("run_id")), request, run, ttl_h)) return out;
      // Another claimant took it over first: read it again.
    }
    out.decision = Decision::in_progress;
    return out;
  };
  co_return co_await pool_.transact(std::move(job));
}

boost::asio::awaitable<void> Repository::complete(Sha256Digest lookup, RunId run, int status, std::string sealed_answer,
                                                  std::chrono::hours ttl) {
  auto job = [lookup = hex(lookup), run = std::move(run), status, answer = std::move(sealed_answer),
              ttl_h = static_cast<std::int64_t>(ttl.count())](sql::Connection& c) {
    {
      std::unique_ptr<sql::PreparedStatement> ps(c.prepareStatement(
          "UPDATE idempotency_keys SET state = 'done', status = ?, answer = ?, expires_at = NOW(3) + INTERVAL ? HOUR "
          "WHERE lookup_hash = UNHEX(?) AND run_id = ?"));
      std::istringstream blob(answer);
      ps->setInt(1, status);
      ps->setBlob(2, &blob);
      ps->setInt64(3, ttl_h);
      ps->setString(4, lookup);
      ps->setString(5, run);
      ps->executeUpdate();
    }
    // The answer is committed (autocommit). A purge that loses a lock wait
    // or a deadlock to another one is simply left to the next answer; a lost
    // connection shows at the pool's next pre-ping.
    try {
      std::unique_ptr<sql::PreparedStatement> purge(
          c.prepareStatement("DELETE FROM idempotency_keys WHERE expires_at < NOW(3) ORDER BY expires_at LIMIT " +
                             std::to_string(kPurgeBatch)));
      purge->executeUpdate();
    } catch (const sql::SQLException&) {}
  };
  co_await pool_.transact(std::move(job));
}

boost::asio::awaitable<void> Repository::abandon(Sha256Digest lookup, RunId run) {
  auto job = [lookup = hex(lookup), run = std::move(run)](sql::Connection& c) {
    std::unique_ptr<sql::PreparedStatement> ps(
        c.prepareStatement("DELETE FROM idempotency_keys WHERE lookup_hash = UNHEX(?) AND run_id = ?"));
    ps->setString(1, lookup);
    ps->setString(2, run);
    ps->executeUpdate();
  };
  co_await pool_.transact(std::move(job));
}

}  // namespace keel::idempotency
