#pragma once
// TLS for the outbound client (OpenSSL through Asio): a context that verifies
// peers against the system CA store (plus an optional CA file), and a
// connection's expectations of its peer (SNI, the name or address its
// certificate must carry).
#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>

#include <openssl/ssl.h>

#include <string>

namespace keel {

// TLS 1.2 or later, peer verification on, the system CA store and `ca_file`
// when not empty. Throws FetchError(tls) when the CA file cannot be read.
boost::asio::ssl::context make_client_tls_context(const std::string& ca_file);

// Sends `host` as SNI (a name, not an address) and makes the handshake fail
// unless the peer's certificate is valid for `host` (name or IP address).
void expect_peer(SSL* ssl, const std::string& host);

// Why a handshake failed, in words: the certificate verification result
// when that is what failed, else the error.
std::string tls_failure(SSL* ssl, const boost::system::error_code& ec);

}  // namespace keel
