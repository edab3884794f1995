#pragma once
#include "http/http.hpp"

#include <nlohmann/json.hpp>

namespace keel {
// Reads a small JSON body (capped: 413 beyond). A Content-Type other than
// application/json (or +json) -> 415; malformed JSON -> 422 json_invalid.
awaitable<nlohmann::json> read_json_body(Request& req, std::uint64_t cap);
bool is_json_content_type(std::string_view content_type);
}  // namespace keel
