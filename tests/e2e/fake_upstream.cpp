#include "e2e/fake_upstream.hpp"
#include "support/gzip.hpp"

#include "http/text/ascii.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <zlib.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace e2e {

namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using net::awaitable;
using namespace std::chrono_literals;
using namespace net::experimental::awaitable_operators;

namespace {

constexpr auto kTuple = net::as_tuple(net::use_awaitable);

using test_support::gzip;

// ---- certificates ----

template <class T, void (*Free)(T*)>
struct Owned {
  T* p;
  explicit Owned(T* p_) : p(p_) {
    if (!p) throw std::runtime_error("openssl: allocation failed");
  }
  ~Owned() { Free(p); }
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
};
using Key = Owned<EVP_PKEY, EVP_PKEY_free>;
using Cert = Owned<X509, X509_free>;

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value);
  if (!ext) throw std::runtime_error(std::string("openssl: bad extension ") + value);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// A certificate for `key` named `cn`, issued by `issuer` (itself when null); signed later.
X509* make_cert(EVP_PKEY* key, const char* cn, long serial, X509* issuer) {
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
  X509_set_issuer_name(cert, issuer ? X509_get_subject_name(issuer) : name);
  return cert;
}

std::string pem_of(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return out;
}

std::string pem_of(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<std::size_t>(n));
  BIO_free(bio);
  return out;
}

// ---- requests and responses ----

std::string reason_of(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 404:
      return "Not Found";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

std::string head_of(int status, const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + reason_of(status) + "\r\n";
  for (const auto& [n, v] : headers) out += n + ": " + v + "\r\n";
  out += "Connection: close\r\n\r\n";
  return out;
}

std::string response_of(int status, std::vector<std::pair<std::string, std::string>> headers, const std::string& body) {
  headers.emplace_back("Content-Length", std::to_string(body.size()));
  return head_of(status, headers) + body;
}

std::optional<SeenRequest> parse_request(const std::string& head) {
  SeenRequest r;
  std::size_t eol = head.find("\r\n");
  const std::string line = head.substr(0, eol);
  const std::size_t sp1 = line.find(' ');
  const std::size_t sp2 = line.find(' ', sp1 + 1);
  if (sp1 == std::string::npos || sp2 == std::string::npos) return std::nullopt;
  r.method = line.substr(0, sp1);
  r.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  for (std::size_t at = eol + 2; at < head.size();) {
    const std::size_t end = head.find("\r\n", at);
    if (end == std::string::npos || end == at) break;
    const std::string field = head.substr(at, end - at);
    const std::size_t colon = field.find(':');
    if (colon != std::string::npos) {
      std::size_t v = colon + 1;
      while (v < field.size() && field[v] == ' ') ++v;
      r.headers.emplace_back(field.substr(0, colon), field.substr(v));
    }
    at = end + 2;
  }
  return r;
}

bool accepts_gzip(const SeenRequest& r) {
  auto ae = r.header("Accept-Encoding");
  return ae && ae->find("gzip") != std::string::npos;
}

}  // namespace

std::optional<std::string> SeenRequest::header(const std::string& name) const {
  for (const auto& [n, v] : headers) {
    if (keel::text::iequals(n, name)) return v;
  }
  return std::nullopt;
}

TestPki TestPki::make(const std::string& san) {
  Key ca_key(EVP_EC_gen("P-256"));
  Cert ca(make_cert(ca_key.p, "keel test CA", 1, nullptr));
  add_ext(ca.p, ca.p, NID_basic_constraints, "critical,CA:TRUE");
  add_ext(ca.p, ca.p, NID_key_usage, "critical,keyCertSign,cRLSign");
  add_ext(ca.p, ca.p, NID_subject_key_identifier, "hash");
  if (!X509_sign(ca.p, ca_key.p, EVP_sha256())) throw std::runtime_error("openssl: cannot sign the CA");

  Key key(EVP_EC_gen("P-256"));
  Cert cert(make_cert(key.p, "keel test server", 2, ca.p));
  add_ext(cert.p, ca.p, NID_basic_constraints, "critical,CA:FALSE");
  add_ext(cert.p, ca.p, NID_ext_key_usage, "serverAuth");
  add_ext(cert.p, ca.p, NID_authority_key_identifier, "keyid");
  add_ext(cert.p, ca.p, NID_subject_alt_name, san.c_str());
  if (!X509_sign(cert.p, ca_key.p, EVP_sha256())) throw std::runtime_error("openssl: cannot sign the certificate");
  return TestPki{pem_of(ca.p), pem_of(cert.p), pem_of(key.p)};
}

std::string TestPki::write_ca(const std::string& path) const {
  std::ofstream(path) << ca_pem;
  return path;
}

const std::string& FakeUpstream::json_body() {
  static const std::string body =
      R"({"source":"fake upstream","indices":[{"name":"DAX","value":18000.5},{"name":"CAC 40","value":7500.25}]})";
  return body;
}

struct FakeUpstream::Impl {
  std::optional<ssl::context> tls;  // outlives the io_context (destroyed after it)
  net::io_context io;
  tcp::acceptor acceptor{io};
  std::thread thread;
  mutable std::mutex mu;
  std::map<std::string, CannedResponse> canned;
  std::vector<SeenRequest> seen;
  std::atomic<std::size_t> accepted{0};

  std::string scheme() const { return tls ? "https" : "http"; }
  unsigned port() const { return acceptor.local_endpoint().port(); }

  awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, sock] = co_await acceptor.async_accept(kTuple);
      if (ec) co_return;
      ++accepted;
      net::co_spawn(io, serve(std::move(sock)), net::detached);
    }
  }

  awaitable<void> serve(tcp::socket sock) {
    if (!tls) {
      co_await converse(sock, sock);
      co_return;
    }
    ssl::stream<tcp::socket&> stream(sock, *tls);
    net::steady_timer timer(io, 5s);
    auto handshake = stream.async_handshake(ssl::stream_base::server, kTuple);
    auto result = co_await (std::move(handshake) || timer.async_wait(kTuple));
    if (result.index() != 0 || std::get<0>(std::get<0>(result))) co_return;  // the client gave up (bad certificate)
    co_await converse(stream, sock);
  }

  template <class Stream>
  awaitable<void> converse(Stream& stream, tcp::socket& sock) {
    std::string in;
    auto [ec, n] = co_await net::async_read_until(stream, net::dynamic_buffer(in, 64 << 10), "\r\n\r\n", kTuple);
    if (ec) co_return;
    auto req = parse_request(in.substr(0, n));
    if (!req) co_return;
    {
      std::lock_guard lock(mu);
      seen.push_back(*req);
    }
    co_await answer(stream, sock, *req);
    // Let the client read it all and close first (closing with its bytes
    // unread would reset the connection).
    boost::system::error_code ignored;
    sock.shutdown(tcp::socket::shutdown_send, ignored);
    net::steady_timer timer(io, 5s);
    char sink[4096];
    for (;;) {
      auto result = co_await (sock.async_read_some(net::buffer(sink), kTuple) || timer.async_wait(kTuple));
      if (result.index() != 0 || std::get<0>(std::get<0>(result))) break;
    }
  }

  template <class Stream>
  awaitable<void> send(Stream& stream, const std::string& bytes) {
    co_await net::async_write(stream, net::buffer(bytes), kTuple);
  }

  awaitable<void> sleep(std::chrono::milliseconds d) {
    net::steady_timer timer(io, d);
    co_await timer.async_wait(kTuple);
  }

  // The whole response to a request that gets one at once, or nothing when
  // the path answers over time (or not at all).
  std::optional<std::string> reply_for(const std::string& path, const SeenRequest& req) {
    {
      std::lock_guard lock(mu);
      if (auto it = canned.find(path); it != canned.end()) {
        return response_of(it->second.status, it->second.headers, it->second.body);
      }
    }
    const std::string self = scheme() + "://127.0.0.1:" + std::to_string(port());
    auto number_after = [&](const std::string& prefix) { return std::stoull(path.substr(prefix.size())); };
    std::vector<std::pair<std::string, std::string>> json_headers = {
        {"Content-Type", "application/json"}, {"ETag", kJsonEtag}, {"Last-Modified", kJsonLastModified}};

    if (path == "/json" || path == "/gzip-json") {
      if (req.header("If-None-Match") == kJsonEtag || req.header("If-Modified-Since") == kJsonLastModified) {
        json_headers.erase(json_headers.begin());
        return head_of(304, json_headers);
      }
      if (path == "/gzip-json" && accepts_gzip(req)) {
        json_headers.emplace_back("Content-Encoding", "gzip");
        return response_of(200, json_headers, gzip(json_body()));
      }
      return response_of(200, json_headers, json_body());
    }
    if (path == "/chunked") {
      const std::string& b = json_body();
      std::string out = head_of(200, {{"Content-Type", "application/json"}, {"Transfer-Encoding", "chunked"}});
      for (std::size_t at = 0; at < b.size(); at += 40) {
        const std::string part = b.substr(at, 40);
        char size[16];
        std::snprintf(size, sizeof size, "%zx", part.size());
        out += std::string(size) + "\r\n" + part + "\r\n";
      }
      return out + "0\r\n\r\n";
    }
    if (path.starts_with("/status/")) {
      return response_of(static_cast<int>(number_after("/status/")), {{"Content-Type", "text/plain"}},
                         "upstream says " + path.substr(8));
    }
    if (path.starts_with("/gzip-zeros/")) {
      return response_of(200, {{"Content-Encoding", "gzip"}}, gzip(std::string(number_after("/gzip-zeros/"), '\0')));
    }
    if (path == "/bad-gzip") return response_of(200, {{"Content-Encoding", "gzip"}}, "this is not gzip at all");
    if (path == "/malformed") return "HTTP/1.1 OK fine\r\nthis is not a header\r\n\r\n";
    if (path == "/redirect/relative") return response_of(302, {{"Location", "../json"}}, "");
    if (path == "/redirect/absolute") return response_of(301, {{"Location", self + "/json"}}, "");
    if (path == "/redirect/303") return response_of(303, {{"Location", "/json?after=303"}}, "");
    if (path == "/redirect/loop") return response_of(302, {{"Location", "/redirect/loop"}}, "");
    if (path.starts_with("/redirect/chain/")) {
      const std::size_t left = number_after("/redirect/chain/");
      const std::string next = left <= 1 ? "/json" : "/redirect/chain/" + std::to_string(left - 1);
      return response_of(307, {{"Location", next}}, "");
    }
    if (path.starts_with("/bytes/") || path.starts_with("/stall") || path == "/trickle" || path == "/reset") {
      return std::nullopt;
    }
    return response_of(404, {{"Content-Type", "text/plain"}}, "no such fake path");
  }

  static std::string length_head(std::size_t length) {
    return head_of(200, {{"Content-Length", std::to_string(length)}});
  }

  template <class Stream>
  awaitable<void> answer(Stream& stream, tcp::socket& sock, const SeenRequest& req) {
    const std::string path = req.target.substr(0, req.target.find('?'));
    if (auto reply = reply_for(path, req)) {
      co_await send(stream, *reply);
    } else if (path.starts_with("/bytes/")) {
      const std::size_t total = std::stoull(path.substr(7));
      co_await send(stream, length_head(total));
      const std::string block(64 << 10, 'x');
      for (std::size_t sent = 0; sent < total; sent += block.size()) {
        co_await send(stream, block.substr(0, std::min(block.size(), total - sent)));
      }
    } else if (path == "/stall") {
      co_await send(stream, length_head(1000) + std::string(100, 'x'));
      co_await sleep(3600s);
    } else if (path == "/stall-head") {
      co_await sleep(3600s);
    } else if (path == "/trickle") {
      co_await send(stream, length_head(1 << 20));
      const std::string one = "x";
      for (;;) {
        co_await send(stream, one);
        co_await sleep(50ms);
      }
    } else if (path == "/reset") {
      co_await send(stream, length_head(1 << 20) + std::string(64 << 10, 'x'));
      co_await sleep(50ms);
      sock.set_option(net::socket_base::linger(true, 0));
      sock.close();
    }
  }
};

FakeUpstream::FakeUpstream(std::optional<TestPki> tls) : impl_(std::make_unique<Impl>()) {
  if (tls) {
    impl_->tls.emplace(ssl::context::tls_server);
    impl_->tls->use_certificate_chain(net::buffer(tls->cert_pem));
    impl_->tls->use_private_key(net::buffer(tls->key_pem), ssl::context::pem);
  }
  tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(net::socket_base::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  net::co_spawn(impl_->io, impl_->accept_loop(), net::detached);
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

FakeUpstream::~FakeUpstream() {
  impl_->io.stop();
  impl_->thread.join();
}

unsigned FakeUpstream::port() const { return impl_->port(); }

std::string FakeUpstream::url(const std::string& path, const std::string& host) const {
  return impl_->scheme() + "://" + host + ":" + std::to_string(port()) + path;
}

void FakeUpstream::set(const std::string& path, CannedResponse response) {
  std::lock_guard lock(impl_->mu);
  impl_->canned[path] = std::move(response);
}

std::vector<SeenRequest> FakeUpstream::requests() const {
  std::lock_guard lock(impl_->mu);
  return impl_->seen;
}

std::size_t FakeUpstream::connections() const { return impl_->accepted; }

}  // namespace e2e
