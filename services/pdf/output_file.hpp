#pragma once
// All-or-nothing output: bytes go to a hidden temporary file next to the
// target, which is renamed over the target only once everything is written.
#include <cstddef>
#include <string>

namespace keel::pdf {

class OutputFile {
 public:
  // Creates "<dir>/.keel-pdf-XXXXXX" with mode 0600 (booking PDFs carry
  // personal data). Throws RenderError if the directory is not writable,
  // so a bad path fails before any rendering work.
  explicit OutputFile(const std::string& path);
  // Removes the temporary file unless commit() succeeded.
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  void write(const void* data, std::size_t size);  // throws RenderError
  // Closes (checking for deferred write errors) and renames onto the target,
  // replacing any existing file atomically. Throws RenderError.
  void commit();

 private:
  std::string path_;
  std::string temp_path_;
  int fd_ = -1;
  bool committed_ = false;
};

}  // namespace keel::pdf
