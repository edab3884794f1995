#pragma once
#include <string>

namespace keel {
// spdlog to stdout, one line per event; level and format (text|json) from config.
void init_logging(const std::string& level, const std::string& format);
}  // namespace keel
