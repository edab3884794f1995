#pragma once
// Colours shared by the booking PDFs.
#include <string_view>

#include "services/pdf/canvas.hpp"

namespace keel::pdf::theme {

inline constexpr Rgb kInk{0.10f, 0.12f, 0.16f};     // body text
inline constexpr Rgb kMuted{0.42f, 0.45f, 0.50f};   // labels, captions
inline constexpr Rgb kRule{0.82f, 0.84f, 0.87f};    // thin separators
inline constexpr Rgb kPanel{0.95f, 0.96f, 0.97f};   // boxes, zebra rows
inline constexpr Rgb kAccent{0.11f, 0.30f, 0.51f};  // brand band, headers
inline constexpr Rgb kOnAccent{1.0f, 1.0f, 1.0f};

// Green for confirmed/completed, amber for pending, red for cancelled and
// friends, slate for anything else.
Rgb status_color(std::string_view status);

}  // namespace keel::pdf::theme
