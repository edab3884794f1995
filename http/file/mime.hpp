#pragma once

#include <string_view>

namespace keel::http_file {

// Content-Type for a file path, by its extension (case-insensitive); text
// types carry "; charset=utf-8". Unknown -> application/octet-stream.
std::string_view mime_type_for_path(std::string_view path);

}  // namespace keel::http_file
