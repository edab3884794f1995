#include "http/file/mime.hpp"

#include "http/text/ascii.hpp"

#include <array>
#include <string>
#include <utility>

namespace keel::http_file {
namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 34> kTypes = {{
    {"css", "text/css; charset=utf-8"},
    {"csv", "text/csv; charset=utf-8"},
    {"flac", "audio/flac"},
    {"gif", "image/gif"},
    {"htm", "text/html; charset=utf-8"},
    {"html", "text/html; charset=utf-8"},
    {"ico", "image/x-icon"},
    {"jpeg", "image/jpeg"},
    {"jpg", "image/jpeg"},
    {"js", "text/javascript; charset=utf-8"},
    {"json", "application/json"},
    {"m4a", "audio/mp4"},
    {"map", "application/json"},
    {"md", "text/markdown; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"mp3", "audio/mpeg"},
    {"mp4", "video/mp4"},
    {"oga", "audio/ogg"},
    {"ogg", "audio/ogg"},
    {"otf", "font/otf"},
    {"pdf", "application/pdf"},
    {"png", "image/png"},
    {"svg", "image/svg+xml"},
    {"ttf", "font/ttf"},
    {"txt", "text/plain; charset=utf-8"},
    {"wasm", "application/wasm"},
    {"wav", "audio/wav"},
    {"webm", "video/webm"},
    {"webp", "image/webp"},
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"xml", "text/xml; charset=utf-8"},
    {"zip", "application/zip"},
    {"gz", "application/gzip"},
}};

}  // namespace

std::string_view mime_type_for_path(std::string_view path) {
  constexpr std::string_view kDefault = "application/octet-stream";
  const std::size_t slash = path.find_last_of("/\\");
  const std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const std::size_t dot = base.rfind('.');
  if (dot == std::string_view::npos || dot + 1 == base.size()) return kDefault;
  const std::string_view ext = base.substr(dot + 1);
  if (ext.size() > 8) return kDefault;
  const std::string lower = text::to_lower(ext);
  for (const auto& [e, type] : kTypes) {
    if (e == lower) return type;
  }
  return kDefault;
}

}  // namespace keel::http_file
