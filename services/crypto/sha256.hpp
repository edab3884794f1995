#pragma once
// SHA-256 over OpenSSL's EVP interface.
#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

struct evp_md_ctx_st;  // EVP_MD_CTX, without including OpenSSL headers here

namespace keel {

using Sha256Digest = std::array<unsigned char, 32>;

// Incremental hasher. Movable, not copyable. After finish()/finish_hex() the
// hasher is reset and can hash a new message. A moved-from hasher may only be
// assigned to or destroyed (other calls throw std::logic_error).
// OpenSSL failures throw std::runtime_error.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  Sha256& update(std::string_view data);
  Sha256& update(const void* data, std::size_t size);
  Sha256Digest finish();
  std::string finish_hex();  // 64 lowercase hex digits

 private:
  struct Free {
    void operator()(evp_md_ctx_st* ctx) const noexcept;
  };
  std::unique_ptr<evp_md_ctx_st, Free> ctx_;
};

Sha256Digest sha256_bytes(std::string_view data);
std::string sha256_hex(std::string_view data);

// Lowercase hex of a digest.
std::string to_hex(const Sha256Digest& digest);

}  // namespace keel
