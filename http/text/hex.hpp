#pragma once
// Lowercase hexadecimal of bytes: digests, ids.
#include <cstddef>
#include <string>

namespace keel::text {

// Two lowercase hex digits per byte, most significant nibble first.
inline std::string hex_lower(const void* data, std::size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  const auto* p = static_cast<const unsigned char*>(data);
  std::string out(size * 2, '\0');
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = kHex[p[i] >> 4];
    out[2 * i + 1] = kHex[p[i] & 0x0f];
  }
  return out;
}

}  // namespace keel::text
