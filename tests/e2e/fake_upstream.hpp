#pragma once
// A fake upstream for keel's outbound HTTP client and the jobs that use it:
// an HTTP/1.1 server on 127.0.0.1 (plain or TLS) running on a thread of its
// own, with canned answers by path, good and hostile:
//   /json            200 JSON with an ETag and Last-Modified; 304 to If-None-Match
//                    or If-Modified-Since that matches
//   /gzip-json       the same JSON gzip-encoded when the request accepts gzip
//   /chunked         JSON in several chunks
//   /status/<code>   that status with a short text body
//   /bytes/<n>       n bytes of 'x' (Content-Length)
//   /gzip-zeros/<n>  n zero bytes, gzip-encoded (a small body that inflates to n)
//   /bad-gzip        Content-Encoding: gzip over bytes that are not gzip
//   /stall           the head and part of the body, then nothing
//   /stall-head      nothing at all
//   /trickle         a byte every 50 ms for ever (each read is quick; the whole is not)
//   /reset           a head promising 1 MiB, 64 KiB of it, then a TCP reset
//   /malformed       a status line that is not HTTP
//   /redirect/relative, /redirect/absolute, /redirect/303   redirects to /json
//   /redirect/loop   redirects to itself
//   /redirect/chain/<n>   n redirects, then /json
// and whatever set() configures (job tests serve their own documents).
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace e2e {

// A CA and a server certificate it signed, made with OpenSSL when the test
// runs (P-256, valid a day), as PEM.
struct TestPki {
  // san: subjectAltName entries of the server certificate, e.g.
  // "DNS:localhost,IP:127.0.0.1".
  static TestPki make(const std::string& san = "DNS:localhost,IP:127.0.0.1");
  std::string ca_pem;
  std::string cert_pem;
  std::string key_pem;
  // Writes ca_pem to the file `path` and returns the path.
  std::string write_ca(const std::string& path) const;
};

struct SeenRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<std::string> header(const std::string& name) const;  // case-insensitive
};

// A response set() configures for a path.
struct CannedResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;  // Content-Length is added
  std::string body;
};

class FakeUpstream {
 public:
  // With `tls`, serves HTTPS with that server certificate.
  explicit FakeUpstream(std::optional<TestPki> tls = std::nullopt);
  ~FakeUpstream();
  FakeUpstream(const FakeUpstream&) = delete;
  FakeUpstream& operator=(const FakeUpstream&) = delete;

  unsigned port() const;
  // "http(s)://<host>:<port><path>"
  std::string url(const std::string& path, const std::string& host = "127.0.0.1") const;
  // Serves `response` at `path` (exact match, query ignored) from now on.
  void set(const std::string& path, CannedResponse response);
  std::vector<SeenRequest> requests() const;
  std::size_t connections() const;  // accepted so far

  // The JSON document /json and /gzip-json serve, and its ETag.
  static const std::string& json_body();
  static constexpr const char* kJsonEtag = "\"fake-v1\"";
  static constexpr const char* kJsonLastModified = "Tue, 01 Dec 2026 10:00:00 GMT";

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace e2e
