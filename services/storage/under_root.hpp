#pragma once
// Opening a file by a relative path under a root folder, never outside it:
// static files and the API docs' assets.
#include "services/storage/opened_file.hpp"

#include <optional>
#include <string>

namespace keel::storage {

// Opens root/rel for reading only if, with symlinks resolved, it is a
// regular file still inside root; nothing otherwise. rel is already safe
// as a name (no "..", no empty or dot segments): this guards against
// symlinks leading out. The root's real path and a descriptor of it are
// kept per thread and checked again at most once a second, so a deploy that
// swaps the root (a symlink flipped to a new release) is seen within a second.
std::optional<OpenedFile> open_under_root(const std::string& root, const std::string& rel);

}  // namespace keel::storage
