#pragma once
// A rendered PDF that exists only as an open descriptor: the response
// streams it, and its storage is freed when the response ends, however it
// ends (completed, failed, client gone).
#include "services/storage/opened_file.hpp"

#include <functional>
#include <string>

namespace keel::pdf {

// Blocking. Creates a private mkstemp file in tmp_dir, calls render(path)
// (which must leave the finished PDF at path), opens it and unlinks it.
// On any failure the file is removed and the exception propagates: tmp_dir
// is left as it was.
storage::OpenedFile render_to_unlinked_file(const std::string& tmp_dir,
                                            const std::function<void(const std::string& path)>& render);

}  // namespace keel::pdf
