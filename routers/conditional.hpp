#pragma once
// Conditional GETs of JSON answers (RFC 9110 13.1.2): does the request's
// If-None-Match name the answer's ETag? One helper for every route that
// answers 304 (datasets, market, reports, services, availability).
#include "http/http.hpp"

#include <string>
#include <string_view>

namespace keel {
// True when If-None-Match is present and matches `etag` (weak comparison;
// "*" matches) — the request (GET or HEAD) is then answered 304.
bool if_none_match_hits(const Request& req, std::string_view etag);
// 304 with the ETag and Cache-Control a 200 would carry.
Response not_modified(const std::string& etag, std::string_view cache_control = "no-cache");

// A quoted tag naming this exact body: "<first 32 hex of its SHA-256>".
std::string body_etag(std::string_view body);
// A JSON answer a client may cache and revalidate: 200 with `body`
// (application/json), or 304 without it when If-None-Match names `etag`;
// both with the ETag and Cache-Control: no-cache (always ask, cheaply).
Response tagged_json(const Request& req, std::string body, const std::string& etag);
}  // namespace keel
