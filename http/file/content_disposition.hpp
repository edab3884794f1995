#pragma once

#include <string>
#include <string_view>

namespace keel::http_file {

// RFC 6266 / RFC 8187 Content-Disposition for a download:
//   attachment; filename="report.pdf"
//   attachment; filename="_t_.txt"; filename*=UTF-8''%C3%A9t%C3%A9.txt
// Control characters (CR, LF, ...) are dropped. The quoted ASCII fallback
// escapes '"' and '\' and shows each non-ASCII character as '_'; filename*
// is added only when the name is not plain ASCII. An empty name gives
// "attachment". Bytes are percent-encoded as given (expected to be UTF-8).
std::string content_disposition_attachment(std::string_view filename);

}  // namespace keel::http_file
