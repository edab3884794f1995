#pragma once
// The outbound HTTP client: one GET over http or https (Beast, OpenSSL), its
// body handed to the caller in decoded pieces as it arrives, so a body of any
// size passes through bounded memory (a 64 KiB read buffer, a 64 KiB piece,
// the gzip inflater's window and piece) unless the caller collects it.
//
// Statuses are results (304 and 5xx included: the caller decides); what
// keeps a status from arriving, or a body from arriving whole, throws
// FetchError (http/client/fetch_error.hpp) with a message naming it.
#include "http/http.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace keel {

struct FetchRequest {
  std::string url;  // http:// or https://; user:password@ in it is sent as Basic authorization
  // Extra request headers (e.g. If-None-Match, If-Modified-Since). Host,
  // Connection, Accept-Encoding and the framing fields are the client's own
  // (std::invalid_argument); Authorization and Cookie are not sent to
  // another origin after a redirect.
  std::vector<std::pair<std::string, std::string>> headers;
  bool accept_gzip = true;  // send "Accept-Encoding: gzip"; a gzip body is inflated as it arrives
  int max_redirects = 3;    // 301, 302, 303, 307 and 308 are followed; one more is an error
  // TCP connect and TLS handshake. (Name lookup runs in Asio's resolver
  // thread and ends when the system resolver gives up; the total limit is
  // checked after it.)
  std::chrono::milliseconds connect_timeout{10'000};
  // Sending the request, then each read of the response: the whole head, then
  // every piece of the body.
  std::chrono::milliseconds idle_timeout{10'000};
  std::chrono::milliseconds total_timeout{30'000};  // the whole fetch, redirects included
  std::uint64_t max_body_bytes = 1 << 20;           // of the decoded body; over it: too large, connection dropped
  std::string ca_file;  // a PEM file of CAs trusted besides the system store (tests; private CAs)
  // Receives each decoded piece of a 2xx body, in order (at most 256 KiB at a
  // time); what it throws ends the fetch and propagates. A non-2xx body is
  // not passed here: its first bytes are in FetchResult::error_body.
  std::function<void(std::string_view)> on_body;
};

struct FetchResult {
  int status = 0;
  std::string reason;
  std::string final_url;  // after redirects
  // The final response's header fields, in order, names as sent.
  std::vector<std::pair<std::string, std::string>> headers;
  std::uint64_t body_bytes = 0;      // decoded body bytes (what on_body received)
  std::uint64_t received_bytes = 0;  // body bytes on the wire (before gzip decoding)
  int redirects = 0;
  std::string error_body;  // the first bytes (at most 4 KiB) of a non-2xx body, decoded

  bool ok() const { return status >= 200 && status < 300; }
  // The first field named `name` (case-insensitive).
  std::optional<std::string> header(std::string_view name) const;
};

// One GET, following redirects, on the awaiting coroutine's executor; Asio
// cancellation of that coroutine ends it. Throws FetchError.
awaitable<FetchResult> fetch(FetchRequest req);

struct FetchedString {
  FetchResult result;
  std::string body;  // a 2xx body, decoded (at most max_body_bytes); empty otherwise
};

// fetch() collecting the body into a string (req.on_body is replaced).
awaitable<FetchedString> fetch_string(FetchRequest req);

}  // namespace keel
