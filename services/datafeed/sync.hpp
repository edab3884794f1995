#pragma once
// One sync of a dataset: CSV bytes in (from a request body, a file, stdin
// or a pull), a new generation out, with the sync report. The bytes are
// counted and hashed as received (before inflating and transcoding),
// inflated when gzip, converted by CsvToJsonl and written as they come, in
// three overlapping stages: the caller hashes and queues, a converter thread
// converts, a writer thread writes (sync.cpp). Memory is a few 64 KiB
// pieces plus one record whatever the size (README's memory formula).
//
// Every call blocks (hashing, waiting for room in the queue): run it on the
// blocking pool. A failure in a stage shows at the next feed() or finish().
#include "services/datafeed/csv_to_jsonl.hpp"
#include "services/datafeed/store.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace keel::datafeed {

struct SyncOptions {
  CsvOptions csv;
  std::uint64_t max_bad_rows = 1000;
  std::uint64_t max_source_bytes = 10240ull << 20;   // KEEL_MAX_SYNC_MB: 413 beyond
  std::uint64_t min_free_disk_bytes = 512ull << 20;  // KEEL_MIN_FREE_DISK_MB: 507 below
  std::string source;                                // "upload", a path, "stdin", a URL without credentials
  bool gzip = false;                                 // Content-Encoding: gzip
  std::optional<std::uint64_t> expected_bytes;       // Content-Length or file size: checked against the disk first
  // A pulled source's validators (ETag, Last-Modified), recorded in meta.json
  // as source_etag and source_last_modified so that the next pull, by any
  // instance, can ask for the source only if it changed (services/datafeed/pull).
  std::optional<std::string> source_etag;
  std::optional<std::string> source_last_modified;
};

// A sync that cannot go on. `body` is the JSON answer: {"detail": ...},
// plus "report" (the failure report, generation null) for 422 too many bad
// rows. Status: 409 sync in progress, 413 over max_source_bytes, 400 a
// broken gzip stream, 422 empty CSV / bad header / too many bad rows, 507
// the disk guard.
struct SyncError : std::runtime_error {
  SyncError(int status, nlohmann::json body);
  int status;
  nlohmann::json body;
};

// The report of a sync that failed before reading a byte (409, 413 or 507
// from the constructor): generation null, nothing counted. What the CLI
// prints then.
nlohmann::json unstarted_report(const std::string& dataset, const std::string& source);

class CsvSync {
 public:
  // Takes the dataset's lock (409 `sync in progress` when another process
  // or request holds it), checks free disk against expected_bytes (507)
  // and opens a new generation in a temp folder.
  CsvSync(DatasetStore& store, const std::string& dataset, SyncOptions options);
  ~CsvSync();  // not finished: the temp folder is removed, the old generation stays
  CsvSync(const CsvSync&) = delete;
  CsvSync& operator=(const CsvSync&) = delete;

  // The next bytes of the source, as received (copied: the caller may reuse
  // its buffer at once). Throws SyncError.
  void feed(std::string_view bytes);
  // A pull learns its source's validators with the response head, after the
  // sync started: they replace SyncOptions' before finish().
  void set_source_validators(std::optional<std::string> etag, std::optional<std::string> last_modified);
  // The source ended: commits the generation and returns the report.
  // Throws SyncError (and the temp folder goes).
  nlohmann::json finish();
  // True after finish() when the dataset did not exist before (201).
  bool created() const;
  // The report as it stands (generation null until finished): what the
  // CLI prints on failure.
  nlohmann::json report() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace keel::datafeed
