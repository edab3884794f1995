#pragma once
// The display name of an upload, from what the client sent. Only ever shown
// (and put in Content-Disposition); never used as a path.
#include <optional>
#include <string>
#include <string_view>

namespace keel::uploads {

// Keeps the last path component, drops control characters and invalid
// UTF-8, trims, caps at 255 bytes (on a character boundary). Empty -> "upload".
std::string clean_filename(std::string_view raw);
// X-Filename: percent-encoded UTF-8. nullopt when empty or a percent escape
// is bad; HttpError 400 when the decoded bytes are not UTF-8 (RFC 3629).
std::optional<std::string> filename_from_x_filename(std::string_view value);
// Content-Disposition: filename*=UTF-8''... preferred over filename="..."
// (text::disposition_filename). nullopt when the header is malformed or names
// no file; HttpError 400 when filename* is unusable and there is no filename.
std::optional<std::string> filename_from_content_disposition(std::string_view value);
bool valid_upload_id(std::string_view id);

}  // namespace keel::uploads
