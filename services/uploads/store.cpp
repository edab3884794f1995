#include "services/uploads/store.hpp"

#include "http/random_id.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <exception>
#include <utility>

namespace keel::uploads {

awaitable<Upload> store(Received& received, std::optional<std::int64_t> booking, storage::Storage& storage,
                        Repository& repository, BlockingPool& blocking) {
  Upload u;
  u.id = random_id();
  u.booking_id = booking;
  u.filename = received.filename;
  u.content_type = received.content_type.substr(0, 255);
  u.size = received.size;
  u.sha256 = received.sha256;
  u.storage_path = storage.final_path(u.id);
  if (!received.metadata.empty())
    u.metadata_json = received.metadata.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  storage::TempFile* file = received.file.get();
  const std::string* path = &u.storage_path;
  auto commit = [file, path] { file->commit(*path); };
  co_await run_blocking(blocking, commit);
  std::exception_ptr failed;
  try {
    co_await repository.insert(u);
  } catch (...) { failed = std::current_exception(); }
  if (failed) {
    ::unlink(u.storage_path.c_str());  // no row, no file
    std::rethrow_exception(failed);
  }
  co_return u;
}

std::optional<storage::OpenedFile> open_file(const Upload& upload) {
  auto f = storage::regular_file(::open(upload.storage_path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!f) spdlog::error("upload {} has a row but no file at {}", upload.id, upload.storage_path);
  return f;
}

awaitable<bool> remove(std::string id, Repository& repository, BlockingPool& blocking) {
  std::optional<Upload> u = co_await repository.remove(std::move(id));
  if (!u) co_return false;
  auto job = [path = u->storage_path] { ::unlink(path.c_str()); };
  co_await run_blocking(blocking, std::move(job));
  co_return true;
}

}  // namespace keel::uploads
