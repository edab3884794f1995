#include "services/crypto/openssl_init.hpp"

#include <openssl/crypto.h>
#include <openssl/ssl.h>

namespace keel {

bool init_openssl_quietly() {
  const uint64_t opts =
      OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS | OPENSSL_INIT_NO_LOAD_SSL_STRINGS | OPENSSL_INIT_NO_LOAD_CONFIG;
  return OPENSSL_init_ssl(opts, nullptr) == 1;
}

}  // namespace keel
