#pragma once
// The file system calls the dataset store is made of: each failure throws
// std::system_error naming the path.
#include "services/datafeed/store.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace keel::datafeed::disk {

[[noreturn]] void fail(const std::string& what, const std::string& path, int err);

void fsync_path(const std::string& path);  // a folder (or file) by name
void write_all(int fd, std::string_view data, const std::string& path);
void pwrite_all(int fd, std::string_view data, std::uint64_t offset, const std::string& path);
// Reads up to `size` bytes at `offset`; fewer only at the end of the file.
std::size_t pread_full(int fd, char* buf, std::size_t size, std::uint64_t offset, const std::string& path);

// The target of a symlink, or nothing when it does not exist.
std::optional<std::string> read_link(const std::string& path);
// Removes a folder and what is in it; quietly does nothing when it is gone.
void remove_tree(const std::string& path) noexcept;

// Opens <dataset_dir>/g-<id>: nullptr when it is not on disk.
std::shared_ptr<const Generation> open_generation(const std::string& dataset_dir, const std::string& dataset,
                                                  const std::string& id);

}  // namespace keel::datafeed::disk
