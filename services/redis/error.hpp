#pragma once
// What a Redis command can fail with, by kind, so callers choose a response
// (busy -> 503) without parsing messages.
#include <stdexcept>
#include <string>

namespace keel::redis {

enum class ErrorKind {
  unavailable,  // no connection (down, reconnecting after a backoff, stopped)
  timeout,      // no reply within the command timeout (the connection is reopened)
  busy,         // too many commands queued already
  protocol,     // a reply the reader cannot parse, or over the size cap
  server,       // Redis answered with an error reply (-ERR ...)
};

const char* to_string(ErrorKind kind);

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

}  // namespace keel::redis
