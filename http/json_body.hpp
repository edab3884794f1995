#pragma once
#include "http/http.hpp"

#include <nlohmann/json.hpp>

namespace keel {
// RouteSpec::max_body_bytes of JSON routes whose bodies are a form's worth of
// fields (a booking is a few hundred bytes).
inline constexpr std::uint64_t kSmallJsonBodyBytes = 64 * 1024;

// Reads a JSON body (at most `cap` bytes, or the route's max_body_bytes when
// smaller) and parses it with bounds, so that no body under the cap becomes
// a document many times its size. 413 is about bytes, decided before or
// while they are read; once the body has arrived, a document refused for
// what it holds is 422, like malformed JSON:
//   Content-Type not application/json nor */*+json      -> 415
//   more bytes than the cap                             -> 413
//   malformed                                           -> 422 json_invalid, loc ["body", <byte offset>]
//   arrays/objects nested deeper than 32                -> 422 json_too_deep, loc ["body"]
//   more values than the body's size allows             -> 422 json_too_large, loc ["body"]
// Both bounds are checked as the document is read, so a refused document is
// never built beyond the value that broke the bound.
// min_budget: see parse_json_body.
awaitable<nlohmann::json> read_json_body(Request& req, std::uint64_t cap, std::uint64_t min_budget = 0);

// The parsing step of read_json_body, for a body already in memory: the
// document, or an HttpError (422) as above. The size bound: each value is
// counted as 192 bytes (the most one takes in nlohmann::json, an object
// member holding an empty object: 176) plus the characters of its string or
// key, and the sum may not exceed the body's bytes plus 16 KiB (room for
// small bodies: a booking counts ~1.5 KiB). The document then takes at most
// about the body's size, and the body and its document together at most
// twice it. Ordinary bodies are far inside the bound: JSON routes take form
// data, not bulk arrays. One shape costs more while it is read: nlohmann's
// lexer holds a string token twice (its text and its raw bytes) before it
// is handed over, so one huge string peaks near three times its length;
// the route caps keep that small.
// min_budget raises the bound to at least that many bytes, whatever the
// body's size, for a route whose bodies are lists by nature (a service's
// 366 closed dates count 74 KiB, in a body of 5 KiB).
nlohmann::json parse_json_body(std::string_view text, std::uint64_t min_budget = 0);

bool is_json_content_type(std::string_view content_type);
}  // namespace keel
