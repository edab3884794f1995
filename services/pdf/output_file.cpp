#include "services/pdf/output_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <vector>

#include "services/pdf/render_error.hpp"
#include "services/pdf/str_cat.hpp"

namespace keel::pdf {
namespace {

[[noreturn]] void throw_errno(const std::string& what, const std::string& path, int err) {
  throw RenderError(cat("pdf: ", what, " '", path, "': ", std::generic_category().message(err), " (errno ",
                        std::to_string(err), ")"));
}

}  // namespace

OutputFile::OutputFile(const std::string& path) : path_(path) {
  const std::filesystem::path target(path);
  if (path.empty() || !target.has_filename()) {
    throw RenderError(cat("pdf: output path '", path, "' does not name a file"));
  }
  const std::filesystem::path temp =
      target.parent_path() / ".keel-pdf-XXXXXX";  // fixed length: any valid target name works
  const std::string temp_string = temp.string();
  std::vector<char> name(temp_string.begin(), temp_string.end());
  name.push_back('\0');
  fd_ = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd_ < 0) throw_errno("cannot create output file for", path, errno);
  temp_path_.assign(name.data());
}

OutputFile::~OutputFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temp_path_.c_str());
}

void OutputFile::write(const void* data, std::size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd_, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("cannot write", path_, errno);
    }
    p += n;
    size -= static_cast<std::size_t>(n);
  }
}

void OutputFile::commit() {
  const int fd = fd_;
  fd_ = -1;
  // close() can report write errors that write() did not (e.g. NFS quota).
  if (::close(fd) != 0) throw_errno("cannot write", path_, errno);
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0) throw_errno("cannot rename onto", path_, errno);
  committed_ = true;
}

}  // namespace keel::pdf
