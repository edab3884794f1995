#pragma once
// Stored answers sealed with AES-256-GCM (OpenSSL EVP) under a key derived by
// HKDF-SHA256 from the Idempotency-Key itself (salt: the credential scope),
// so the database holds nothing that replays an answer (a create's holds its
// manage_token) without the key, which only the client has. A random 96-bit
// nonce per seal; the row's lookup hash is the associated data, so a sealed
// answer moved to another row does not open.
#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace keel::idempotency {

using AnswerKey = std::array<unsigned char, 32>;

inline constexpr std::size_t kNonceBytes = 12;
inline constexpr std::size_t kTagBytes = 16;

// HKDF-SHA256(ikm = idempotency_key, salt = scope, info = "keel idempotency answer v1").
AnswerKey derive_answer_key(std::string_view idempotency_key, std::string_view scope);

// nonce (12) || ciphertext || tag (16). Throws std::runtime_error if OpenSSL fails.
std::string seal(const AnswerKey& key, std::string_view aad, std::string_view plaintext);
// The plaintext, or nothing when the key, the AAD or any byte is wrong.
std::optional<std::string> open(const AnswerKey& key, std::string_view aad, std::string_view sealed);

}  // namespace keel::idempotency
