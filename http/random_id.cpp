#include "http/random_id.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include <sys/random.h>

namespace keel {

std::string base64url_encode(const void* data, std::size_t size) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const auto* in = static_cast<const unsigned char*>(data);
  std::string out;
  out.reserve((size * 4 + 2) / 3);
  std::size_t i = 0;
  for (; i + 3 <= size; i += 3) {
    const std::uint32_t v = (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8) | in[i + 2];
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (const std::size_t rest = size - i; rest == 1) {
    const std::uint32_t v = std::uint32_t{in[i]} << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (rest == 2) {
    const std::uint32_t v = (std::uint32_t{in[i]} << 16) | (std::uint32_t{in[i + 1]} << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

void random_bytes(void* out, std::size_t bytes) {
  // The kernel's CSPRNG (what OpenSSL seeds its own from): no DRBG to set
  // up in the process, which keeps OpenSSL's provider machinery out of it.
  // Blocks only before the kernel's pool is first initialised at boot.
  auto* p = static_cast<unsigned char*>(out);
  std::size_t filled = 0;
  while (filled < bytes) {
    ssize_t n = ::getrandom(p + filled, bytes - filled, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("getrandom failed");
    filled += static_cast<std::size_t>(n);
  }
}

std::string random_token(std::size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  random_bytes(raw.data(), raw.size());
  return base64url_encode(raw.data(), raw.size());
}

std::string random_id() { return random_token(16); }

}  // namespace keel
