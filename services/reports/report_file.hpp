#pragma once
// Where a report is rendered: HTML in, gzip out to a temp file under the
// data folder's tmp/, hashing (sha256) and counting the HTML on the way.
// The temp file is unlinked by the destructor, whatever happened.
// Blocking (disk I/O, compression): use it on the blocking pool.
#include "services/compress/gzip_encoder.hpp"
#include "services/crypto/sha256.hpp"
#include "services/storage/storage.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace keel::reports {

struct Rendered {
  std::string path;                // the gzip file
  std::uint64_t bytes = 0;         // HTML
  std::uint64_t stored_bytes = 0;  // gzip
  std::string sha256;              // of the HTML
};

class ReportFile {
 public:
  explicit ReportFile(const std::string& tmp_dir) : file_(tmp_dir) {}
  void write(std::string_view html);
  // Ends the gzip stream; the file is complete (and still there until this
  // object goes).
  Rendered finish();

 private:
  storage::TempFile file_;
  compress::GzipEncoder gzip_;
  Sha256 sha_;
  std::uint64_t bytes_ = 0;
  std::string out_;  // compressed bytes on their way to the file
};

}  // namespace keel::reports
