#include "middleware/request_id.hpp"

#include "http/text/hex.hpp"

#include <cstdint>
#include <random>

namespace keel {

bool valid_request_id(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string new_request_id() {
  // Request ids correlate logs; they are not secrets, so a per-thread
  // SplitMix64 sequence seeded from the OS is enough: a few instructions
  // per id, where mt19937_64 regenerates 2.5 KiB of state every 156 values.
  thread_local std::uint64_t state = (std::uint64_t{std::random_device{}()} << 32) ^ std::random_device{}();
  unsigned char bytes[16];
  for (int half = 0; half < 2; ++half) {
    std::uint64_t v = (state += 0x9e3779b97f4a7c15ull);
    v = (v ^ (v >> 30)) * 0xbf58476d1ce4e5b9ull;
    v = (v ^ (v >> 27)) * 0x94d049bb133111ebull;
    v ^= v >> 31;
    for (int i = 7; i >= 0; --i, v >>= 8) bytes[half * 8 + i] = static_cast<unsigned char>(v);
  }
  return text::hex_lower(bytes, sizeof bytes);
}

Guard request_id_guard() {
  return [](Request& req) -> std::optional<Response> {
    auto incoming = req.header("X-Request-ID");
    req.request_id = (incoming && valid_request_id(*incoming)) ? std::string(*incoming) : new_request_id();
    return std::nullopt;
  };
}

}  // namespace keel
