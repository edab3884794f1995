#include "http/json_body.hpp"

#include "http/text/ascii.hpp"

namespace keel {

bool is_json_content_type(std::string_view ct) {
  const std::string_view media = text::trim(ct.substr(0, ct.find(';')));
  if (text::iequals(media, "application/json")) return true;
  return media.size() > 5 && text::iequals(media.substr(media.size() - 5), "+json") &&
         media.find('/') != std::string_view::npos;
}

awaitable<nlohmann::json> read_json_body(Request& req, std::uint64_t cap) {
  auto ct = req.header("Content-Type");
  if (!ct || !is_json_content_type(*ct))
    throw HttpError(415, "Content-Type must be application/json");
  std::string text = co_await read_body_capped(req, cap);
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    // Locate the error like FastAPI does: ["body", <byte offset>].
    std::size_t offset = 0;
    std::string msg = "JSON decode error";
    try {
      auto again = nlohmann::json::parse(text);
      (void)again;
    } catch (const nlohmann::json::parse_error& e) {
      offset = e.byte > 0 ? e.byte - 1 : 0;
      msg = "JSON decode error: " + std::string(e.what()).substr(std::string(e.what()).find(':') + 2);
    }
    throw validation_error({ValidationIssue{{"body", static_cast<std::int64_t>(offset)}, msg, "json_invalid"}});
  }
  co_return j;
}

}  // namespace keel
