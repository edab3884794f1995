#pragma once
// A partner CSV pulled over HTTP(S) into a dataset (the data-sync job): the
// body streams from the outbound client (http/client/fetch) into a CsvSync
// piece by piece, never whole. The pull is conditional: the ETag and
// Last-Modified of the previous pull, kept in the current generation's
// meta.json (so every instance sharing the data folder sees them, across
// restarts), are sent as If-None-Match and If-Modified-Since; a 304 leaves
// the dataset as it is.
#include "http/blocking.hpp"
#include "http/http.hpp"
#include "services/datafeed/store.hpp"
#include "services/datafeed/sync.hpp"
#include "services/limits/concurrency_limit.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <stdexcept>
#include <stop_token>
#include <string>

namespace keel::datafeed {

struct PullRequest {
  std::string url;  // http(s); user:password@ in it is sent as Basic, never stored
  std::string dataset;
  SyncOptions sync;     // the CSV's options and limits; source and validators are the pull's own
  std::string ca_file;  // KEEL_HTTP_CA_FILE
  std::chrono::milliseconds total_timeout{3'600'000};  // the whole fetch: the job's timeout
};

struct PullResult {
  bool not_modified = false;  // 304: no new generation, synced_at unchanged
  nlohmann::json report;      // the sync report of the new generation (null when not modified)
};

// A source that answered something other than 2xx or 304.
struct PullError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Takes the dataset's lock (SyncError 409 `sync in progress`), then a slot
// of `slots` (SyncError 429), then fetches and converts. Runs on one thread
// of the blocking pool for its whole length, the fetch on an io_context of
// its own there, so a slow conversion holds back reading the socket rather
// than piling bytes up in memory (that thread is the sync slot's share of
// the pool). `stop` cancels the fetch; a stopped, failed or not-modified
// pull removes its temp folder and keeps the current generation.
// Throws SyncError, FetchError, PullError, or std::runtime_error("stopped").
awaitable<PullResult> pull_dataset(DatasetStore& store, BlockingPool& blocking, ConcurrencyLimit& slots,
                                   PullRequest req, std::stop_token stop);

}  // namespace keel::datafeed
