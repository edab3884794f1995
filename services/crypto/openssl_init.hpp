#pragma once
// OpenSSL, initialised the way keel uses it: SHA-256 and random bytes, no
// TLS. Call once at start, before anything else touches OpenSSL (the
// MariaDB client initialises libssl when its driver loads).
namespace keel {

// Initialises libcrypto and libssl without their error-string tables and
// without reading the system's openssl.cnf. OpenSSL ignores later requests
// to load them (the MariaDB client makes one), which keeps ~1 MiB of tables
// and code out of the process. keel opens no TLS connections; errors from
// OpenSSL still carry their numeric codes. Returns false if OpenSSL fails.
bool init_openssl_quietly();

}  // namespace keel
