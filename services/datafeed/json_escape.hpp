#pragma once
// JSON string escaping as records.jsonl writes it: only '"', '\\' and the
// control characters below 0x20 are escaped (\n \r \t \b \f, else \u00XX);
// every other byte, UTF-8 and DEL included, is copied as is.
#include <string>
#include <string_view>

namespace keel::datafeed {

// The escape sequence for byte c, or an empty view when c is copied as is.
std::string_view json_escape(unsigned char c);

// Appends s escaped (without the surrounding quotes).
void append_json_escaped(std::string& out, std::string_view s);

}  // namespace keel::datafeed
