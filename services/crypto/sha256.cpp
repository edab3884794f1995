#include "services/crypto/sha256.hpp"

#include "http/text/hex.hpp"

#include <stdexcept>

#include <openssl/evp.h>

namespace keel {
namespace {

void init(EVP_MD_CTX* ctx) {
  if (EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) != 1) throw std::runtime_error("EVP_DigestInit_ex failed");
}

}  // namespace

void Sha256::Free::operator()(evp_md_ctx_st* ctx) const noexcept { EVP_MD_CTX_free(ctx); }

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  if (!ctx_) throw std::runtime_error("EVP_MD_CTX_new failed");
  init(ctx_.get());
}

Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

Sha256& Sha256::update(std::string_view data) { return update(data.data(), data.size()); }

Sha256& Sha256::update(const void* data, std::size_t size) {
  if (!ctx_) throw std::logic_error("Sha256 used after move");
  if (size == 0) return *this;
  if (EVP_DigestUpdate(ctx_.get(), data, size) != 1) throw std::runtime_error("EVP_DigestUpdate failed");
  return *this;
}

Sha256Digest Sha256::finish() {
  if (!ctx_) throw std::logic_error("Sha256 used after move");
  Sha256Digest out{};
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx_.get(), out.data(), &len) != 1 || len != out.size()) {
    throw std::runtime_error("EVP_DigestFinal_ex failed");
  }
  init(ctx_.get());  // ready for the next message
  return out;
}

std::string Sha256::finish_hex() { return to_hex(finish()); }

Sha256Digest sha256_bytes(std::string_view data) {
  Sha256Digest out{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr) != 1 || len != out.size()) {
    throw std::runtime_error("EVP_Digest failed");
  }
  return out;
}

std::string sha256_hex(std::string_view data) { return to_hex(sha256_bytes(data)); }

std::string to_hex(const Sha256Digest& digest) {
  return text::hex_lower(digest.data(), digest.size());
}

}  // namespace keel
