#pragma once
// Why an outbound fetch failed (http/client/fetch). A status the server
// answered, 4xx and 5xx included, is a result, not one of these.
#include <stdexcept>
#include <string>

namespace keel {

struct FetchError : std::runtime_error {
  enum class Kind {
    bad_url,       // not an http(s) URL, or a redirect to one we cannot follow
    dns,           // the host name did not resolve
    connect,       // refused, unreachable
    tls,           // handshake or certificate verification failed
    timeout,       // connect, between bytes, or in all
    reset,         // the connection closed or reset before the response ended
    malformed,     // not a valid HTTP/1.x response
    too_large,     // the decoded body went over max_body_bytes (or the head over its limit)
    bad_encoding,  // a broken gzip body, or a content coding we do not speak
    redirects,     // more redirects than max_redirects
    cancelled,     // the caller cancelled the fetch
  };
  FetchError(Kind kind_, const std::string& message) : std::runtime_error(message), kind(kind_) {}
  Kind kind;
};

}  // namespace keel
