#pragma once
#include "http/router.hpp"
#include "services/context.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace keel {
// GET|HEAD /static/{path}: files under KEEL_STATIC_DIR, same semantics as
// uploads (Range, ETag, conditional requests).
void register_static_routes(Router& router, AppContext& ctx);

// The safe relative path for decoded segments, or nothing (-> 404):
// no "..", no "." , no empty segment, no NUL, no '/' or '\' inside a segment
// (encoded separators), no dotfiles.
std::optional<std::string> safe_relative_path(std::span<const std::string> segments);

// Serves the file named by decoded `segments` under `root` (404 when unsafe
// or missing), with a strong size+mtime ETag, Last-Modified and its type.
Response serve_file_under(const Request& req, const std::string& root, std::span<const std::string> segments,
                          std::string_view cache_control);
}  // namespace keel
