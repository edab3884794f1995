#pragma once
// A JSON answer a client may cache and revalidate: a strong ETag, 304 when
// If-None-Match names it (RFC 9110 §13.1.2, http/file/conditional), and
// Cache-Control: no-cache (always ask again, cheaply).
#include "http/http.hpp"

#include <string>
#include <string_view>

namespace keel {

// A quoted tag naming this exact body: "<first 32 hex of its SHA-256>".
std::string body_etag(std::string_view body);

// 200 with `body` (application/json), or 304 without it, both with `etag`.
Response tagged_json(const Request& req, std::string body, const std::string& etag);

}  // namespace keel
