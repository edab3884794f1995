#include "services/api_keys/new_key.hpp"

#include "http/random_id.hpp"

namespace keel::api_keys {

std::string new_key() { return "kd_" + random_token(24); }

std::string key_prefix(std::string_view key) { return std::string(key.substr(0, 8)); }

}  // namespace keel::api_keys
