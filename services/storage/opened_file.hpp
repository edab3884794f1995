#pragma once
// A file opened for reading, with what a response needs to know about it:
// uploads, static files and rendered PDFs are all sent this way.
#include "http/http.hpp"

#include <cstdint>
#include <memory>
#include <optional>

namespace keel::storage {

struct OpenedFile {
  std::shared_ptr<OpenFile> file;  // closes the descriptor when the last response using it is done
  std::uint64_t size = 0;
  std::int64_t modified_s = 0;   // last modification: unix seconds
  std::int64_t modified_ns = 0;  // and the nanoseconds within that second
};

// Takes ownership of `fd` (a negative fd gives nothing) and fstat()s it: the
// opened file, or nothing (fd closed) when fstat fails or it is not a
// regular file.
std::optional<OpenedFile> regular_file(int fd);

}  // namespace keel::storage
