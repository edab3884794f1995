#include "services/crypto/constant_time.hpp"

#include <openssl/crypto.h>

#include "services/crypto/sha256.hpp"

namespace keel {

bool constant_time_equals(std::string_view a, std::string_view b) {
  if (a.size() == b.size()) {
    if (a.empty()) return true;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
  }
  const Sha256Digest ha = sha256_bytes(a);
  const Sha256Digest hb = sha256_bytes(b);
  const volatile int differ = CRYPTO_memcmp(ha.data(), hb.data(), ha.size());
  (void)differ;
  return false;
}

}  // namespace keel
