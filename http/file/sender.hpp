#pragma once
// One way to send a file for every route (uploads, static, docs assets):
// RFC 9110 validators, conditional requests, single and multiple ranges,
// HEAD. The decisions come from http/file/plan (pure, table-tested);
// this turns them into a Response whose body is file segments, sent by the
// server with sendfile(2) -- never read into memory.
#include "http/http.hpp"

#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace keel::file_sender {

// What the caller knows of the file. The strings are borrowed: they must
// outlive the serve() call (which copies what it sends).
struct FileInfo {
  std::uint64_t size = 0;
  std::string_view etag;  // strong, with quotes: "\"abc\""
  std::optional<std::time_t> last_modified;
  std::string_view content_type;         // empty: application/octet-stream
  std::string_view cache_control;        // empty: none
  std::string_view content_disposition;  // empty: none
};

Response serve(const Request& req, std::shared_ptr<OpenFile> file, const FileInfo& info);

}  // namespace keel::file_sender
