#pragma once
// Fitting text into a width: truncation with an ellipsis, and word wrapping.
// Pure functions over a width callback, so they do not depend on libharu.
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace keel::pdf {

// Width of a UTF-8 string in points at some fixed font and size.
using WidthFn = std::function<double(std::string_view)>;

inline constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // U+2026

// text itself if it fits, else its longest code point prefix (trailing
// spaces dropped) followed by an ellipsis that fits; "" if not even the
// ellipsis fits.
std::string fit_with_ellipsis(std::string_view text, double max_width, const WidthFn& width);

// Greedy word wrap into lines no wider than max_width: breaks at spaces,
// splits words longer than a line (e.g. e-mail addresses) between code
// points, starts a new line at each '\n' (runs of blank lines collapse to
// one). At most max_lines lines; if text is left over, the last line ends
// with an ellipsis.
std::vector<std::string> wrap_text(std::string_view text, double max_width, std::size_t max_lines,
                                   const WidthFn& width);

}  // namespace keel::pdf
