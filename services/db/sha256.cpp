#include "services/db/sha256.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace keel::db {

std::array<std::uint8_t, 32> sha256(std::string_view data) {
  std::array<std::uint8_t, 32> out{};
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr) != 1 || len != out.size())
    throw std::runtime_error("EVP_Digest(sha256) failed");
  return out;
}

std::string sha256_hex(std::string_view data) {
  static constexpr char digits[] = "0123456789abcdef";
  const auto md = sha256(data);
  std::string hex;
  hex.reserve(64);
  for (std::uint8_t b : md) {
    hex.push_back(digits[b >> 4]);
    hex.push_back(digits[b & 0x0f]);
  }
  return hex;
}

}  // namespace keel::db
