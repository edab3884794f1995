#include "services/datafeed/store.hpp"
#include "services/datafeed/csv_to_jsonl.hpp"  // kIndexStride
#include "services/datafeed/disk.hpp"
#include "services/storage/writeback.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <list>
#include <map>
#include <system_error>

namespace keel::datafeed {

nlohmann::json generation_summary(const Generation& g) {
  nlohmann::json m = g.meta.is_object() ? g.meta : nlohmann::json::object();
  m.erase("first_errors");
  m["count"] = g.records;
  return m;
}

namespace {

using Clock = std::chrono::steady_clock;
using GenerationPtr = std::shared_ptr<const Generation>;

constexpr std::string_view kGenPrefix = "g-";
constexpr std::string_view kTmpPrefix = "tmp-";
constexpr std::size_t kSkipPiece = 64 << 10;

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// The names in a folder (without . and ..); empty when it does not exist.
std::vector<std::string> list_dir(const std::string& path) {
  std::vector<std::string> out;
  DIR* d = ::opendir(path.c_str());
  if (!d) {
    if (errno == ENOENT) return out;
    disk::fail("opendir", path, errno);
  }
  while (dirent* e = ::readdir(d)) {
    std::string_view n = e->d_name;
    if (n != "." && n != "..") out.emplace_back(n);
  }
  ::closedir(d);
  return out;
}

// The generation id a `current` link points to ("g-<id>" -> "<id>").
std::optional<std::string> link_id(const std::optional<std::string>& target) {
  if (!target || !starts_with(*target, kGenPrefix)) return std::nullopt;
  std::string id = target->substr(kGenPrefix.size());
  if (!valid_generation_id(id)) return std::nullopt;
  return id;
}

// Points `current` at g-<id> atomically: a new link under a temp name,
// renamed over the old one, and the folder fsynced.
void switch_current(const std::string& dir, const std::string& id) {
  const std::string tmp = dir + "/current.tmp-" + id, target = std::string(kGenPrefix) + id;
  ::unlink(tmp.c_str());
  if (::symlink(target.c_str(), tmp.c_str()) != 0) disk::fail("symlink", tmp, errno);
  if (::rename(tmp.c_str(), (dir + "/current").c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    disk::fail("rename", tmp, err);
  }
  disk::fsync_path(dir);
}

}  // namespace

// ---------------------------------------------------------------- the store

struct DatasetStore::Impl {
  std::string data_dir, root;

  struct Cached {
    GenerationPtr current;   // nullptr: no dataset
    GenerationPtr previous;  // the generation before it, when known to be on disk
    Clock::time_point checked;
    std::list<std::string>::iterator lru;
  };
  mutable std::mutex mutex;
  std::map<std::string, Cached> cache;
  std::list<std::string> lru;  // most recently used first

  std::string dir(const std::string& name) const { return root + "/" + name; }

  // Under the mutex: records `current` (and `previous`) for `name`.
  void remember(const std::string& name, GenerationPtr current, GenerationPtr previous) {
    auto it = cache.find(name);
    if (it == cache.end()) {
      lru.push_front(name);
      it = cache.emplace(name, Cached{}).first;
      it->second.lru = lru.begin();
      while (cache.size() > kMaxCached) {
        cache.erase(lru.back());
        lru.pop_back();
      }
    } else {
      lru.splice(lru.begin(), lru, it->second.lru);
    }
    it->second.current = std::move(current);
    it->second.previous = std::move(previous);
    it->second.checked = Clock::now();
  }

  void forget(const std::string& name) {
    std::lock_guard lock(mutex);
    if (auto it = cache.find(name); it != cache.end()) {
      lru.erase(it->second.lru);
      cache.erase(it);
    }
  }
};

DatasetStore::DatasetStore(std::string data_dir) : impl_(std::make_unique<Impl>()) {
  impl_->data_dir = std::move(data_dir);
  impl_->root = impl_->data_dir + "/datasets";
}

DatasetStore::~DatasetStore() = default;

const std::string& DatasetStore::root() const { return impl_->root; }

std::size_t DatasetStore::prepare() {
  std::filesystem::create_directories(impl_->root);
  std::size_t removed = 0;
  for (const auto& name : list_dir(impl_->root)) {
    if (!valid_dataset_name(name)) continue;
    auto lock = try_lock(name);
    if (!lock) continue;  // a sync is running: its temp folder is not stale
    const std::string dir = impl_->dir(name);
    auto current = link_id(disk::read_link(dir + "/current"));
    // Generations by id (creation order); keep the current one and the one
    // just before it (the previous), remove the rest.
    std::vector<std::string> generations;
    for (const auto& entry : list_dir(dir)) {
      if (starts_with(entry, kTmpPrefix) || starts_with(entry, "current.tmp-")) {
        disk::remove_tree(dir + "/" + entry);
        ++removed;
      } else if (starts_with(entry, kGenPrefix)) {
        generations.push_back(entry.substr(kGenPrefix.size()));
      }
    }
    std::sort(generations.begin(), generations.end());
    std::optional<std::string> previous;
    if (current)
      for (const auto& id : generations)
        if (id < *current) previous = id;
    for (const auto& id : generations) {
      if (id == current || id == previous) continue;
      disk::remove_tree(dir + "/" + std::string(kGenPrefix) + id);
      ++removed;
    }
  }
  return removed;
}

std::vector<std::string> DatasetStore::names() {
  std::vector<std::string> out;
  for (const auto& name : list_dir(impl_->root)) {
    if (!valid_dataset_name(name)) continue;
    if (link_id(disk::read_link(impl_->dir(name) + "/current"))) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<GenerationPtr> DatasetStore::current_if_fresh(const std::string& name) const {
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->cache.find(name);
  if (it == impl_->cache.end() || Clock::now() - it->second.checked >= kRecheck) return std::nullopt;
  return it->second.current;
}

GenerationPtr DatasetStore::current(const std::string& name) {
  if (!valid_dataset_name(name)) return nullptr;
  if (auto fresh = current_if_fresh(name)) {
    std::lock_guard lock(impl_->mutex);
    if (auto it = impl_->cache.find(name); it != impl_->cache.end())
      impl_->lru.splice(impl_->lru.begin(), impl_->lru, it->second.lru);
    return *fresh;
  }
  const std::string dir = impl_->dir(name);
  // The link may move between reading it and opening what it names (another
  // process switched twice): read it again.
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto id = link_id(disk::read_link(dir + "/current"));
    GenerationPtr cached, cached_previous;
    {
      std::lock_guard lock(impl_->mutex);
      if (auto it = impl_->cache.find(name); it != impl_->cache.end()) {
        cached = it->second.current;
        cached_previous = it->second.previous;
      }
    }
    if (!id) {
      std::lock_guard lock(impl_->mutex);
      impl_->remember(name, nullptr, nullptr);
      return nullptr;
    }
    if (cached && cached->id == *id) {
      std::lock_guard lock(impl_->mutex);
      impl_->remember(name, cached, cached_previous);
      return cached;
    }
    auto opened = disk::open_generation(dir, name, *id);
    if (!opened) continue;
    // Switched by another process: what we served before is the previous
    // generation only if it is still on disk (it may have switched twice).
    GenerationPtr previous;
    if (cached && ::access((dir + "/" + std::string(kGenPrefix) + cached->id).c_str(), F_OK) == 0) previous = cached;
    std::lock_guard lock(impl_->mutex);
    impl_->remember(name, opened, previous);
    return opened;
  }
  disk::fail("open", dir + "/current", ESTALE);
}

GenerationPtr DatasetStore::pinned(const std::string& name, const std::string& id) {
  if (!valid_generation_id(id)) return nullptr;
  auto now = current(name);
  if (!now) return nullptr;
  if (now->id == id) return now;
  {
    std::lock_guard lock(impl_->mutex);
    if (auto it = impl_->cache.find(name); it != impl_->cache.end() && it->second.previous &&
                                           it->second.previous->id == id)
      return it->second.previous;
  }
  return disk::open_generation(impl_->dir(name), name, id);
}

// Byte offset of record `n` (< g.records): the indexed record at or before
// it, then forward line by line.
static std::uint64_t record_offset(const Generation& g, std::uint64_t n, std::string& buf) {
  const std::uint64_t k = n / kIndexStride;
  unsigned char entry[8];
  const std::string index_name = g.dataset + "/g-" + g.id + "/index";
  if (disk::pread_full(g.index_file->fd(), reinterpret_cast<char*>(entry), 8, 8 + 8 * k, index_name) != 8)
    disk::fail("read", index_name, EINVAL);
  std::uint64_t pos = 0;
  for (int i = 7; i >= 0; --i) pos = (pos << 8) | entry[i];
  std::uint64_t skip = n - k * kIndexStride;
  const std::string records_name = g.dataset + "/g-" + g.id + "/records.jsonl";
  while (skip > 0 && pos < g.jsonl_bytes) {
    buf.resize(static_cast<std::size_t>(std::min<std::uint64_t>(kSkipPiece, g.jsonl_bytes - pos)));
    std::size_t got = disk::pread_full(g.records_file->fd(), buf.data(), buf.size(), pos, records_name);
    if (got == 0) break;
    const char* p = buf.data();
    const char* end = p + got;
    while (skip > 0) {
      auto nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
      if (!nl) break;
      p = nl + 1;
      --skip;
    }
    pos += static_cast<std::uint64_t>(p - buf.data());
    if (skip > 0 && p != end) pos += static_cast<std::uint64_t>(end - p);
  }
  return std::min(pos, g.jsonl_bytes);
}

RecordRange DatasetStore::locate(const Generation& g, std::uint64_t offset, std::uint64_t limit) const {
  if (offset >= g.records) return {g.jsonl_bytes, g.jsonl_bytes, 0};
  const std::uint64_t last = offset + std::min(limit, g.records - offset);  // one past the last record
  std::string buf;
  RecordRange r;
  r.begin = record_offset(g, offset, buf);
  r.end = last == g.records ? g.jsonl_bytes : record_offset(g, last, buf);
  r.count = last - offset;
  return r;
}

std::unique_ptr<SyncLock> DatasetStore::try_lock(const std::string& name) {
  if (!valid_dataset_name(name)) throw std::invalid_argument("invalid dataset name: " + name);
  const std::string dir = impl_->dir(name), path = dir + "/.lock";
  std::filesystem::create_directories(dir);
  // A remove() unlinks .lock while holding it: a lock taken on a file that is
  // no longer at that path protects nothing, so check and take it again.
  for (int attempt = 0; attempt < 5; ++attempt) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 && errno == ENOENT) {  // the folder went with a remove(): make it again
      std::filesystem::create_directories(dir);
      continue;
    }
    if (fd < 0) disk::fail("open", path, errno);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      int err = errno;
      ::close(fd);
      if (err == EWOULDBLOCK) return nullptr;
      disk::fail("flock", path, err);
    }
    struct stat held {}, named {};
    if (::fstat(fd, &held) == 0 && ::stat(path.c_str(), &named) == 0 && held.st_ino == named.st_ino &&
        held.st_dev == named.st_dev)
      return std::unique_ptr<SyncLock>(new SyncLock(name, fd));
    ::close(fd);
  }
  disk::fail("flock", path, ESTALE);
}

bool DatasetStore::remove(SyncLock& lock) {
  const std::string dir = impl_->dir(lock.dataset()), current = dir + "/current";
  const bool existed = link_id(disk::read_link(current)).has_value();
  // Readers look for `current` first: once it is gone they answer 404, and
  // those with files open keep reading them.
  if (::unlink(current.c_str()) != 0 && errno != ENOENT) disk::fail("unlink", current, errno);
  impl_->forget(lock.dataset());
  for (const auto& entry : list_dir(dir))
    if (entry != ".lock") disk::remove_tree(dir + "/" + entry);
  // Last, while still holding it: a process that opened .lock before this
  // finds it unlinked after taking it, and starts again (try_lock).
  ::unlink((dir + "/.lock").c_str());
  ::rmdir(dir.c_str());
  return existed;
}

std::uint64_t DatasetStore::free_bytes() const {
  struct statvfs st {};
  const std::string& path = ::access(impl_->root.c_str(), F_OK) == 0 ? impl_->root : impl_->data_dir;
  if (::statvfs(path.c_str(), &st) != 0) disk::fail("statvfs", path, errno);
  return static_cast<std::uint64_t>(st.f_bavail) * st.f_frsize;
}

SyncLock::~SyncLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the flock
}

// ------------------------------------------------------- a generation written

struct GenerationWriter::Impl {
  DatasetStore& store;
  std::string dataset, dataset_dir, id, folder;  // folder: where it is now (tmp-<id>, then g-<id>)
  int records_fd = -1, index_fd = -1;
  std::uint64_t records_bytes = 0, index_bytes = 0;
  std::optional<storage::Writeback> writeback;  // of records.jsonl: the bulk of a generation
  bool committed = false;

  Impl(DatasetStore& s) : store(s) {}
  ~Impl() {
    if (records_fd >= 0) ::close(records_fd);
    if (index_fd >= 0) ::close(index_fd);
    if (!committed && !folder.empty()) disk::remove_tree(folder);
  }
  std::string path(const char* file) const { return folder + "/" + file; }
};

GenerationWriter::GenerationWriter(DatasetStore& store, SyncLock& lock) : impl_(std::make_unique<Impl>(store)) {
  auto& w = *impl_;
  w.dataset = lock.dataset();
  w.dataset_dir = store.impl_->dir(w.dataset);
  w.id = new_generation_id();
  const std::string folder = w.dataset_dir + "/" + std::string(kTmpPrefix) + w.id;
  if (::mkdir(folder.c_str(), 0755) != 0) disk::fail("mkdir", folder, errno);
  w.folder = folder;
  auto create = [&](const char* file) {
    int fd = ::open(w.path(file).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) disk::fail("open", w.path(file), errno);
    return fd;
  };
  w.records_fd = create("records.jsonl");
  w.writeback.emplace(w.records_fd);
  w.index_fd = create("index");
  // The record count, filled in by commit().
  disk::write_all(w.index_fd, std::string_view("\0\0\0\0\0\0\0\0", 8), w.path("index"));
  w.index_bytes = 8;
}

GenerationWriter::~GenerationWriter() = default;

const std::string& GenerationWriter::id() const { return impl_->id; }

void GenerationWriter::write_records(std::string_view jsonl) {
  disk::write_all(impl_->records_fd, jsonl, impl_->path("records.jsonl"));
  impl_->records_bytes += jsonl.size();
  impl_->writeback->advanced(impl_->records_bytes);
}

static std::string little_endian(std::uint64_t v) {
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[static_cast<std::size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xff);
  return out;
}

void GenerationWriter::write_index(std::span<const std::uint64_t> offsets) {
  std::string bytes;
  bytes.reserve(offsets.size() * 8);
  for (auto o : offsets) bytes += little_endian(o);
  disk::write_all(impl_->index_fd, bytes, impl_->path("index"));
  impl_->index_bytes += bytes.size();
}

std::uint64_t GenerationWriter::bytes_written() const { return impl_->records_bytes + impl_->index_bytes; }

bool GenerationWriter::commit(const nlohmann::json& meta, std::uint64_t records) {
  auto& w = *impl_;
  if (w.committed || w.records_fd < 0) throw std::logic_error("GenerationWriter::commit called twice");
  disk::pwrite_all(w.index_fd, little_endian(records), 0, w.path("index"));
  for (auto [fd, file] : {std::pair{&w.records_fd, "records.jsonl"}, std::pair{&w.index_fd, "index"}}) {
    if (::fsync(*fd) != 0) disk::fail("fsync", w.path(file), errno);
    ::close(*fd);
    *fd = -1;
  }
  {
    const std::string meta_path = w.path("meta.json");
    int fd = ::open(meta_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) disk::fail("open", meta_path, errno);
    OpenFile owner(fd);
    disk::write_all(fd, meta.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n", meta_path);
    if (::fsync(fd) != 0) disk::fail("fsync", meta_path, errno);
  }
  disk::fsync_path(w.folder);

  const std::string final_folder = w.dataset_dir + "/" + std::string(kGenPrefix) + w.id;
  if (::rename(w.folder.c_str(), final_folder.c_str()) != 0) disk::fail("rename", w.folder, errno);
  w.folder = final_folder;  // removed by the destructor if the switch fails
  disk::fsync_path(w.dataset_dir);

  const auto previous_id = link_id(disk::read_link(w.dataset_dir + "/current"));
  switch_current(w.dataset_dir, w.id);
  w.committed = true;

  for (const auto& entry : list_dir(w.dataset_dir)) {
    if (!starts_with(entry, kGenPrefix)) continue;
    const std::string id = entry.substr(kGenPrefix.size());
    if (id != w.id && id != previous_id) disk::remove_tree(w.dataset_dir + "/" + entry);
  }

  // This process serves the switch at once, keeping the previous generation
  // open for pinned readers when it was the one cached.
  auto opened = disk::open_generation(w.dataset_dir, w.dataset, w.id);
  auto& impl = *w.store.impl_;
  std::lock_guard lock(impl.mutex);
  GenerationPtr previous;
  if (auto it = impl.cache.find(w.dataset); it != impl.cache.end() && it->second.current && previous_id &&
                                            it->second.current->id == *previous_id)
    previous = it->second.current;
  if (opened) impl.remember(w.dataset, opened, previous);
  return !previous_id.has_value();
}

}  // namespace keel::datafeed
