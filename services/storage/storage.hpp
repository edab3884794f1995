#pragma once
// Where uploads live on disk and how they get there: a temp file under
// DATA_DIR/tmp (removed however the upload ends unless committed), then
// fsync and an atomic rename into DATA_DIR/uploads/<shard>/<id>.
// All calls block (disk I/O): run them on the blocking pool.
#include "services/storage/writeback.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace keel::storage {

class Storage {
 public:
  explicit Storage(std::string data_dir);
  // Creates uploads/ and tmp/; removes temp files older than max_age_s
  // (left by a crash). Returns how many were removed.
  std::size_t prepare(int max_age_s = 60);
  const std::string& tmp_dir() const { return tmp_dir_; }
  std::string final_path(const std::string& id) const;  // uploads/<first 2 chars>/<id>

 private:
  std::string data_dir_, tmp_dir_, uploads_dir_;
};

// A file being written; unlinked by the destructor unless commit() succeeded.
// Writeback of what is written starts every 8 MiB (storage::Writeback), so
// the final fsync finds little left to write and dirty pages stay bounded.
class TempFile {
 public:
  explicit TempFile(const std::string& tmp_dir);  // mkstemp, mode 0600
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  void write(const char* data, std::size_t n);  // whole buffer or throws
  // fsync, rename to `path` (creating its folder), fsync the folder.
  void commit(const std::string& path);
  std::uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::optional<Writeback> writeback_;
  std::string path_;
  std::uint64_t size_ = 0;
  bool committed_ = false;
};

}  // namespace keel::storage
