#pragma once
// Datasets on disk: KEEL_DATA_DIR/datasets/<name>/ holds immutable
// generations and a pointer to the current one.
//
//   <name>/.lock            flock(2): one sync (or delete) of the dataset at a
//                           time, across every process sharing the folder
//   <name>/current          symlink -> g-<id>, replaced atomically by rename(2)
//   <name>/g-<id>/          records.jsonl, index (the sparse offset index:
//                           little-endian u64 record count, then the JSONL
//                           offset of every kIndexStride-th record), meta.json
//   <name>/tmp-<id>/        a generation being written (swept at start)
//
// At a switch the new generation becomes current, the previous one stays
// (for pinned readers) and older ones are removed; readers that already
// opened a removed generation keep their descriptors and finish.
// Every call that touches the disk blocks: run it on the blocking pool.
#include "http/http.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace keel::datafeed {

// [a-z0-9][a-z0-9_-]{0,63}
bool valid_dataset_name(std::string_view name);
// The shape of an id made by new_generation_id() (a malformed one is 422,
// a well-formed one not on disk is 410).
bool valid_generation_id(std::string_view id);
// Unique across datasets and time, sortable by creation:
// "20261203T142903123Z-3f9a1c" (UTC to the millisecond, then random hex).
std::string new_generation_id();

// One generation, opened: its files stay open (and readable after removal)
// while anyone holds this.
struct Generation {
  std::string dataset;
  std::string id;
  nlohmann::json meta;  // meta.json: the sync report
  std::uint64_t records = 0;
  std::uint64_t jsonl_bytes = 0;  // size of records.jsonl
  std::chrono::system_clock::time_point synced_at;
  std::shared_ptr<OpenFile> records_file;  // records.jsonl
  std::shared_ptr<OpenFile> index_file;
  // Serialized once when opened, answered as they are: meta.json, and the
  // summary (meta without first_errors, with count = records).
  std::string meta_body;
  std::string summary_body;
};

// The summary a listing and metadata_only show: meta.json without
// first_errors, with count = records.
nlohmann::json generation_summary(const Generation& g);

// Bytes [begin, end) of records.jsonl hold `count` whole lines.
struct RecordRange {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  std::uint64_t count = 0;
};

class SyncLock;

class DatasetStore {
 public:
  explicit DatasetStore(std::string data_dir);  // datasets live in data_dir/datasets
  ~DatasetStore();

  // Creates the folder; removes temp folders that no running sync holds
  // (left by a crash). Returns how many were removed.
  std::size_t prepare();

  // Datasets with a current generation, by name.
  std::vector<std::string> names();

  // The current generation, or nullptr when the dataset does not exist.
  // Cached (at most kMaxCached datasets, least recently used evicted); the
  // pointer on disk is re-read when the cached answer is older than
  // kRecheck, so a switch made by another process is served within 1 s.
  std::shared_ptr<const Generation> current(const std::string& name);
  // The cached answer when it is fresher than kRecheck: no system call, for
  // io threads. Nothing when current() must be asked.
  std::optional<std::shared_ptr<const Generation>> current_if_fresh(const std::string& name) const;
  // A generation by id, or nullptr when it is not (or no longer) on disk.
  std::shared_ptr<const Generation> pinned(const std::string& name, const std::string& id);

  // Where records [offset, offset + limit) lie: the sparse index gives the
  // nearest indexed record at or before each end, then at most
  // kIndexStride - 1 lines are skipped by reading forward in bounded pieces.
  // An offset at or past the end gives an empty range at the end.
  RecordRange locate(const Generation& g, std::uint64_t offset, std::uint64_t limit) const;

  // One sync or delete of `name` at a time across processes: nullptr when
  // another holds it. Creates the dataset's folder.
  std::unique_ptr<SyncLock> try_lock(const std::string& name);
  // Removes every generation and the dataset's folder (readers that have
  // files open finish). False when there was no dataset.
  bool remove(SyncLock& lock);

  // f_bavail * f_frsize of the data folder's file system.
  std::uint64_t free_bytes() const;

  const std::string& root() const;  // data_dir/datasets

  static constexpr std::size_t kMaxCached = 64;
  static constexpr std::chrono::milliseconds kRecheck{250};

 private:
  friend class GenerationWriter;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Held for the length of one sync or delete; released by the destructor.
class SyncLock {
 public:
  ~SyncLock();
  SyncLock(const SyncLock&) = delete;
  SyncLock& operator=(const SyncLock&) = delete;
  const std::string& dataset() const { return name_; }

 private:
  friend class DatasetStore;
  SyncLock(std::string name, int fd) : name_(std::move(name)), fd_(fd) {}
  std::string name_;
  int fd_;
};

// A new generation being written into <name>/tmp-<id>/. Removed by the
// destructor unless committed.
class GenerationWriter {
 public:
  GenerationWriter(DatasetStore& store, SyncLock& lock);
  ~GenerationWriter();
  GenerationWriter(const GenerationWriter&) = delete;
  GenerationWriter& operator=(const GenerationWriter&) = delete;

  const std::string& id() const;
  void write_records(std::string_view jsonl);               // appends to records.jsonl
  void write_index(std::span<const std::uint64_t> offsets);  // appends index entries
  std::uint64_t bytes_written() const;                      // records.jsonl + index so far

  // fsyncs the files and the folder, writes meta.json, renames tmp-<id> to
  // g-<id>, switches `current` atomically and removes the generation before
  // the previous one. Returns true when the dataset had no generation before.
  bool commit(const nlohmann::json& meta, std::uint64_t records);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace keel::datafeed
