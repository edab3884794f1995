#pragma once
// Idempotency rows in MariaDB (migrations/0007_idempotency.sql), on the
// pool: each call one short autocommit statement or two, judged by the
// database's clock so that every keel instance on the database agrees.
#include "services/db/pool.hpp"
#include "services/idempotency/rules.hpp"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace keel::idempotency {

// A run's id: 128 random bits, base64url (http/random_id).
using RunId = std::string;

struct Begun {
  Decision decision = Decision::run;  // run (or take_over: this request runs too), replay, mismatch, in_progress
  RunId run_id;                       // this request's run, for complete/abandon
  int status = 0;                     // replay: the stored status
  std::string sealed_answer;          // replay: the stored, sealed answer
};

class Repository {
 public:
  explicit Repository(db::Pool& pool) : pool_(pool) {}

  // Claims the key for this request, atomically across instances: INSERTs a
  // 'running' row, or reads the one there and decides (rules.hpp); an
  // expired or stale row is taken over by a conditional UPDATE that only
  // one claimant wins. expires_at starts at now + ttl, so an abandoned row
  // is deleted even if no answer ever comes.
  boost::asio::awaitable<Begun> begin(Sha256Digest lookup, Sha256Digest request, std::chrono::hours ttl);
  // Stores the answer of run `run` (nothing when the row was taken over
  // since), kept for ttl from now; then deletes up to kPurgeBatch expired
  // rows, so each stored answer clears more expired rows than it adds.
  boost::asio::awaitable<void> complete(Sha256Digest lookup, RunId run, int status, std::string sealed_answer,
                                        std::chrono::hours ttl);
  // Removes the row of run `run`: its request may run again.
  boost::asio::awaitable<void> abandon(Sha256Digest lookup, RunId run);

  static constexpr int kPurgeBatch = 100;

 private:
  db::Pool& pool_;
};

}  // namespace keel::idempotency
