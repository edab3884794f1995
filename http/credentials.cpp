#include "http/credentials.hpp"

namespace keel {

std::optional<std::string> bearer_token(const Request& req) {
  auto h = req.header("Authorization");
  if (!h) return std::nullopt;
  std::string_view v = *h;
  if (v.size() < 7 || !iequals(v.substr(0, 7), "Bearer ")) return std::nullopt;
  v.remove_prefix(7);
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
  if (v.empty()) return std::nullopt;
  return std::string(v);
}

std::optional<std::string> presented_credential(const Request& req) {
  if (auto k = req.header("X-API-Key"); k && !k->empty()) return std::string(*k);
  return bearer_token(req);
}

}  // namespace keel
