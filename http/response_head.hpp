#pragma once
// The status line and header block of a response, serialised into a reused
// buffer (pure: no I/O, unit-tested). The server owns framing: it writes
// Content-Length or Transfer-Encoding, Connection and Date itself, so those
// fields are dropped from what the handler set, and CR/LF inside a value is
// replaced so no handler can split a response.
#include "http/http.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace keel {

struct Framing {
  enum Kind { no_body, length, chunked } kind = no_body;
  std::uint64_t content_length = 0;  // for `length`
};

// 1xx, 204 and 304 answers carry no body, nor fields that frame one.
inline bool body_allowed(int status) { return !(status < 200 || status == 204 || status == 304); }

// How a response's body is framed: its length for a string or file body;
// chunked for a stream in HTTP/1.1, in HTTP/1.0 nothing (the end of the
// connection ends the body).
Framing framing_for(const Response& res, unsigned version);

// Appends the head to `out` (which the caller clears and reuses).
// `version` is 10 or 11; keep-alive is spelled the way that version needs.
// A non-empty `request_id` (a checked token: no CR or LF) is written as
// X-Request-ID, replacing any the handler set.
void write_response_head(std::string& out, int status, unsigned version, const Headers& fields, std::string_view date,
                         Framing framing, bool keep_alive, std::string_view request_id = {});

}  // namespace keel
