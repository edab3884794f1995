#pragma once
// Unguessable tokens from the kernel's CSPRNG (getrandom), URL-safe.
#include <cstddef>
#include <string>

namespace keel {

// Fills `out` with `bytes` random bytes (getrandom); throws std::runtime_error
// if the CSPRNG fails.
void random_bytes(void* out, std::size_t bytes);

// `bytes` random bytes (getrandom) as base64url without padding
// (ceil(bytes * 4 / 3) characters from [A-Za-z0-9_-]). 0 bytes → "".
// Throws std::runtime_error if the CSPRNG fails.
std::string random_token(std::size_t bytes);

// 16 random bytes (128 bits) → 22 characters.
std::string random_id();

// base64url without padding of arbitrary bytes (exposed for tests and reuse).
std::string base64url_encode(const void* data, std::size_t size);

}  // namespace keel
