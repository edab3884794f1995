#include "http/credentials.hpp"

#include "http/text/ascii.hpp"

namespace keel {

std::optional<std::string> bearer_token(const Request& req) {
  auto h = req.header("Authorization");
  if (!h) return std::nullopt;
  if (!text::istarts_with(*h, "Bearer ")) return std::nullopt;
  const std::string_view v = text::trim(h->substr(7));
  if (v.empty()) return std::nullopt;
  return std::string(v);
}

std::optional<std::string> presented_credential(const Request& req) {
  if (auto k = req.header("X-API-Key"); k && !k->empty()) return std::string(*k);
  return bearer_token(req);
}

}  // namespace keel
