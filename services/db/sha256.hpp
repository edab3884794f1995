#pragma once
// SHA-256 through OpenSSL's libcrypto (EVP).
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace keel::db {

std::array<std::uint8_t, 32> sha256(std::string_view data);
std::string sha256_hex(std::string_view data);  // 64 lowercase hex digits

}  // namespace keel::db
