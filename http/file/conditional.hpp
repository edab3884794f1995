#pragma once

// Conditional requests (RFC 9110 §13): preconditions and If-Range.

#include <ctime>
#include <optional>
#include <string_view>

namespace keel::http_file {

enum class Method { get, head, other };

// Raw request header values; empty means absent. A header sent several times
// must be joined with ", " by the caller (Beast keeps them separate).
// Default member initializers let callers use designated initializers.
struct RequestHeaders {
  std::string_view if_match{};
  std::string_view if_none_match{};
  std::string_view if_modified_since{};
  std::string_view if_unmodified_since{};
  std::string_view range{};
  std::string_view if_range{};
};

struct Validators {
  std::string_view etag{};                     // full tag with quotes, e.g. "\"v1\""; empty = none
  std::optional<std::time_t> last_modified{};  // nullopt = unknown
};

enum class Precondition {
  proceed,       // go on (Range may still apply)
  not_modified,  // 304
  failed,        // 412
};

// RFC 9110 §13.2.2 steps 1-4, like Go's checkPreconditions:
//  1. If-Match (strong comparison; "*" matches): false -> 412. A malformed
//     value cannot match, so it is also 412.
//  2. else If-Unmodified-Since: Last-Modified later than it -> 412.
//  3. If-None-Match (weak comparison; "*" matches): true -> 304 for GET/HEAD,
//     412 otherwise. A malformed value matches nothing.
//  4. else If-Modified-Since (GET/HEAD only): not modified since -> 304.
// Dates compare at second resolution; unparseable dates and date conditions
// on a resource without Last-Modified are ignored.
Precondition evaluate_preconditions(Method method, const RequestHeaders& request, const Validators& validators);

// RFC 9110 §13.1.5: true when Range may be honoured: If-Range absent, or it
// holds an entity-tag that strongly matches (a weak tag never does), or an
// HTTP-date exactly equal to Last-Modified. Anything else -> false (send 200).
bool if_range_allows_range(std::string_view if_range, const Validators& validators);

}  // namespace keel::http_file
