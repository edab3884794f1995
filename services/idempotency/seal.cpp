#include "services/idempotency/seal.hpp"

#include "http/random_id.hpp"

#include <openssl/evp.h>
#include <openssl/kdf.h>

#include <memory>
#include <stdexcept>

namespace keel::idempotency {

namespace {

constexpr std::string_view kInfo = "keel idempotency answer v1";

struct FreeCipher {
  void operator()(EVP_CIPHER_CTX* c) const noexcept { EVP_CIPHER_CTX_free(c); }
};
struct FreePkey {
  void operator()(EVP_PKEY_CTX* c) const noexcept { EVP_PKEY_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, FreeCipher>;

const unsigned char* bytes(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("OpenSSL: ") + what + " failed");
}

}  // namespace

AnswerKey derive_answer_key(std::string_view idempotency_key, std::string_view scope) {
  std::unique_ptr<EVP_PKEY_CTX, FreePkey> ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr));
  check(ctx != nullptr, "HKDF context");
  check(EVP_PKEY_derive_init(ctx.get()) == 1, "HKDF init");
  check(EVP_PKEY_CTX_set_hkdf_md(ctx.get(), EVP_sha256()) == 1, "HKDF digest");
  check(EVP_PKEY_CTX_set1_hkdf_salt(ctx.get(), bytes(scope), static_cast<int>(scope.size())) == 1, "HKDF salt");
  check(EVP_PKEY_CTX_set1_hkdf_key(ctx.get(), bytes(idempotency_key), static_cast<int>(idempotency_key.size())) == 1,
        "HKDF key");
  check(EVP_PKEY_CTX_add1_hkdf_info(ctx.get(), bytes(kInfo), static_cast<int>(kInfo.size())) == 1, "HKDF info");
  AnswerKey out{};
  std::size_t len = out.size();
  check(EVP_PKEY_derive(ctx.get(), out.data(), &len) == 1 && len == out.size(), "HKDF derive");
  return out;
}

std::string seal(const AnswerKey& key, std::string_view aad, std::string_view plaintext) {
  std::string out(kNonceBytes + plaintext.size() + kTagBytes, '\0');
  random_bytes(out.data(), kNonceBytes);
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  check(ctx != nullptr, "cipher context");
  check(EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), bytes(out)) == 1, "GCM init");
  int n = 0;
  check(EVP_EncryptUpdate(ctx.get(), nullptr, &n, bytes(aad), static_cast<int>(aad.size())) == 1, "GCM AAD");
  unsigned char* ct = bytes(out) + kNonceBytes;
  check(EVP_EncryptUpdate(ctx.get(), ct, &n, bytes(plaintext), static_cast<int>(plaintext.size())) == 1, "GCM seal");
  int tail = 0;
  check(EVP_EncryptFinal_ex(ctx.get(), ct + n, &tail) == 1 && tail == 0, "GCM final");
  check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, ct + plaintext.size()) == 1, "GCM tag");
  return out;
}

std::optional<std::string> open(const AnswerKey& key, std::string_view aad, std::string_view sealed) {
  if (sealed.size() < kNonceBytes + kTagBytes) return std::nullopt;
  const std::size_t ct_size = sealed.size() - kNonceBytes - kTagBytes;
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  check(ctx != nullptr, "cipher context");
  check(EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), bytes(sealed)) == 1, "GCM init");
  int n = 0;
  check(EVP_DecryptUpdate(ctx.get(), nullptr, &n, bytes(aad), static_cast<int>(aad.size())) == 1, "GCM AAD");
  std::string plain(ct_size, '\0');
  check(EVP_DecryptUpdate(ctx.get(), bytes(plain), &n, bytes(sealed) + kNonceBytes, static_cast<int>(ct_size)) == 1,
        "GCM open");
  // The tag is an input here; OpenSSL's API takes it as non-const.
  std::string tag(sealed.substr(kNonceBytes + ct_size));
  check(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) == 1, "GCM tag");
  int tail = 0;
  if (EVP_DecryptFinal_ex(ctx.get(), bytes(plain) + n, &tail) != 1) return std::nullopt;
  return plain;
}

}  // namespace keel::idempotency
