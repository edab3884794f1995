#pragma once
// A new data API key: "kd_" and 32 base64url characters (192 random bits);
// the "kd_" makes a leaked key recognisable as keel's.
#include <string>
#include <string_view>

namespace keel::api_keys {

std::string new_key();
// What identifies a key in listings: its first 8 characters.
std::string key_prefix(std::string_view key);

}  // namespace keel::api_keys
