#include "services/storage/storage.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <stdexcept>

namespace keel::storage {

namespace fs = std::filesystem;

namespace {
[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what + ": " + std::strerror(errno)); }

void fsync_dir(const std::string& dir) {
  int d = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (d < 0) fail("open " + dir);
  ::fsync(d);
  ::close(d);
}
}  // namespace

Storage::Storage(std::string data_dir)
    : data_dir_(std::move(data_dir)), tmp_dir_(data_dir_ + "/tmp"), uploads_dir_(data_dir_ + "/uploads") {}

std::size_t Storage::prepare(int max_age_s) {
  fs::create_directories(tmp_dir_);
  fs::create_directories(uploads_dir_);
  std::size_t removed = 0;
  std::time_t now = std::time(nullptr);
  for (const auto& e : fs::directory_iterator(tmp_dir_)) {
    struct stat st {};
    if (::lstat(e.path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if (now - st.st_mtime >= max_age_s && ::unlink(e.path().c_str()) == 0) ++removed;
  }
  return removed;
}

std::string Storage::final_path(const std::string& id) const { return uploads_dir_ + "/" + id.substr(0, 2) + "/" + id; }

TempFile::TempFile(const std::string& tmp_dir) {
  std::string tmpl = tmp_dir + "/upload-XXXXXX";
  fd_ = ::mkostemp(tmpl.data(), O_CLOEXEC);
  if (fd_ < 0) fail("mkstemp in " + tmp_dir);
  path_ = tmpl;
  writeback_.emplace(fd_);
}

TempFile::~TempFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(path_.c_str());
}

void TempFile::write(const char* data, std::size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd_, data, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      fail("write " + path_);
    }
    data += w;
    n -= static_cast<std::size_t>(w);
    size_ += static_cast<std::uint64_t>(w);
  }
  writeback_->advanced(size_);
}

void TempFile::commit(const std::string& path) {
  if (::fsync(fd_) != 0) fail("fsync " + path_);
  std::string dir = fs::path(path).parent_path().string();
  fs::create_directories(dir);
  if (::rename(path_.c_str(), path.c_str()) != 0) fail("rename to " + path);
  committed_ = true;
  fsync_dir(dir);
}

}  // namespace keel::storage
