#pragma once
// An upload's file and row kept together: stored for good after receiving,
// opened for a download, removed.
#include "http/blocking.hpp"
#include "http/http.hpp"
#include "services/storage/opened_file.hpp"
#include "services/storage/storage.hpp"
#include "services/uploads/receive.hpp"
#include "services/uploads/repository.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace keel::uploads {

// Gives the received file an id and its place (fsync, then an atomic rename
// under DATA_DIR/uploads, on the blocking pool), then records its row. No
// row, no file: when the insert fails the file is removed and the error
// propagates. Returns the row as stored.
awaitable<Upload> store(Received& received, std::optional<std::int64_t> booking, storage::Storage& storage,
                        Repository& repository, BlockingPool& blocking);

// The upload's file opened for sending; nothing (logged) when the row has
// no file: the disk and the database disagree.
std::optional<storage::OpenedFile> open_file(const Upload& upload);

// Removes the row, then the file (on the blocking pool); a download already
// in flight keeps its descriptor and finishes. False when there was no such
// upload.
awaitable<bool> remove(std::string id, Repository& repository, BlockingPool& blocking);

}  // namespace keel::uploads
