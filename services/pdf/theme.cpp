#include "services/pdf/theme.hpp"

#include "http/text/ascii.hpp"

#include <string>

namespace keel::pdf::theme {

Rgb status_color(std::string_view status) {
  const std::string s = text::to_lower(status);
  auto has = [&](std::string_view word) { return s.find(word) != std::string::npos; };
  if (has("cancel") || has("reject") || has("declin") || has("no-show") || has("no_show") || has("fail")) {
    return {0.73f, 0.16f, 0.16f};
  }
  if (has("unconfirm") || has("pending") || has("tentative") || has("wait") || has("hold")) {
    return {0.72f, 0.45f, 0.04f};
  }
  if (has("confirm") || has("complete") || has("paid") || has("attended") || has("done")) {
    return {0.11f, 0.49f, 0.27f};
  }
  return {0.35f, 0.39f, 0.45f};
}

}  // namespace keel::pdf::theme
