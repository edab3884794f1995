#include "services/datafeed/disk.hpp"
#include "http/text/iso_datetime.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

namespace keel::datafeed::disk {

namespace {
constexpr std::size_t kMaxMetaBytes = 4 << 20;  // a report: 100 short errors at most

int open_read(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno != ENOENT) fail("open", path, errno);
  return fd;
}

// Milliseconds of an RFC 3339 time ("2026-12-03T14:29:03.123Z").
std::chrono::system_clock::time_point parse_synced_at(const nlohmann::json& meta) {
  if (!meta.contains("synced_at") || !meta["synced_at"].is_string()) return {};
  const std::string s = meta["synced_at"].get<std::string>();
  auto seconds = text::parse_iso_datetime(s);
  if (!seconds) return {};
  std::int64_t ms = *seconds * 1000;
  if (auto dot = s.find('.'); dot != std::string::npos && dot + 3 < s.size()) {
    int frac = 0;
    for (std::size_t i = dot + 1; i <= dot + 3; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::chrono::system_clock::time_point(std::chrono::seconds(*seconds));
      frac = frac * 10 + (s[i] - '0');
    }
    ms += frac;
  }
  return std::chrono::system_clock::time_point(std::chrono::milliseconds(ms));
}
}  // namespace

void fail(const std::string& what, const std::string& path, int err) {
  throw std::system_error(err, std::generic_category(), what + " " + path);
}

void fsync_path(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail("open", path, errno);
  if (::fsync(fd) != 0) {
    int err = errno;
    ::close(fd);
    fail("fsync", path, err);
  }
  ::close(fd);
}

void write_all(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t w = ::write(fd, data.data(), data.size());
    if (w < 0) {
      if (errno == EINTR) continue;
      fail("write", path, errno);
    }
    data.remove_prefix(static_cast<std::size_t>(w));
  }
}

void pwrite_all(int fd, std::string_view data, std::uint64_t offset, const std::string& path) {
  while (!data.empty()) {
    ssize_t w = ::pwrite(fd, data.data(), data.size(), static_cast<off_t>(offset));
    if (w < 0) {
      if (errno == EINTR) continue;
      fail("write", path, errno);
    }
    data.remove_prefix(static_cast<std::size_t>(w));
    offset += static_cast<std::uint64_t>(w);
  }
}

std::size_t pread_full(int fd, char* buf, std::size_t size, std::uint64_t offset, const std::string& path) {
  std::size_t got = 0;
  while (got < size) {
    ssize_t r = ::pread(fd, buf + got, size - got, static_cast<off_t>(offset + got));
    if (r < 0) {
      if (errno == EINTR) continue;
      fail("read", path, errno);
    }
    if (r == 0) break;
    got += static_cast<std::size_t>(r);
  }
  return got;
}

std::optional<std::string> read_link(const std::string& path) {
  char buf[256];
  ssize_t n = ::readlink(path.c_str(), buf, sizeof buf);
  if (n < 0) {
    if (errno == ENOENT) return std::nullopt;
    fail("readlink", path, errno);
  }
  if (static_cast<std::size_t>(n) == sizeof buf) fail("readlink", path, ENAMETOOLONG);
  return std::string(buf, static_cast<std::size_t>(n));
}

void remove_tree(const std::string& path) noexcept {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

std::shared_ptr<const Generation> open_generation(const std::string& dataset_dir, const std::string& dataset,
                                                  const std::string& id) {
  const std::string dir = dataset_dir + "/g-" + id;
  const std::string records_path = dir + "/records.jsonl", index_path = dir + "/index",
                    meta_path = dir + "/meta.json";
  int records_fd = open_read(records_path);
  if (records_fd < 0) return nullptr;
  auto g = std::make_shared<Generation>();
  g->records_file = std::make_shared<OpenFile>(records_fd);
  int index_fd = open_read(index_path);
  if (index_fd < 0) return nullptr;
  g->index_file = std::make_shared<OpenFile>(index_fd);
  int meta_fd = open_read(meta_path);
  if (meta_fd < 0) return nullptr;
  OpenFile meta_file(meta_fd);

  struct stat st {};
  if (::fstat(records_fd, &st) != 0) fail("stat", records_path, errno);
  g->jsonl_bytes = static_cast<std::uint64_t>(st.st_size);

  unsigned char count[8];
  if (pread_full(index_fd, reinterpret_cast<char*>(count), 8, 0, index_path) != 8)
    fail("read", index_path, EINVAL);
  for (int i = 7; i >= 0; --i) g->records = (g->records << 8) | count[i];

  if (::fstat(meta_fd, &st) != 0) fail("stat", meta_path, errno);
  if (static_cast<std::uint64_t>(st.st_size) > kMaxMetaBytes) fail("read", meta_path, EFBIG);
  std::string meta(static_cast<std::size_t>(st.st_size), '\0');
  meta.resize(pread_full(meta_fd, meta.data(), meta.size(), 0, meta_path));
  g->meta = nlohmann::json::parse(meta, nullptr, false);
  if (g->meta.is_discarded()) fail("parse", meta_path, EINVAL);

  g->dataset = dataset;
  g->id = id;
  g->synced_at = parse_synced_at(g->meta);
  constexpr auto kReplace = nlohmann::json::error_handler_t::replace;
  g->meta_body = g->meta.dump(-1, ' ', false, kReplace);
  g->summary_body = generation_summary(*g).dump(-1, ' ', false, kReplace);
  return g;
}

}  // namespace keel::datafeed::disk
