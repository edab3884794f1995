#pragma once
// Conditional GETs of JSON answers (RFC 9110 13.1.2): does the request's
// If-None-Match name the answer's ETag? One helper for every route that
// answers 304 (datasets, market, reports, services, availability).
#include "http/http.hpp"

#include <string>
#include <string_view>

namespace keel {
// True when If-None-Match is present and matches `etag` (weak comparison;
// "*" matches) — the request is then answered 304.
bool if_none_match_hits(const Request& req, std::string_view etag);
// 304 with the ETag and Cache-Control a 200 would carry.
Response not_modified(const std::string& etag, std::string_view cache_control = "no-cache");
}  // namespace keel
