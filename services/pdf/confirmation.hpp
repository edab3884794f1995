#pragma once
// One-page booking confirmation PDF.
#include <string>

#include "services/pdf/booking_row.hpp"
#include "services/pdf/render_error.hpp"

namespace keel::pdf {

// Renders an A4 confirmation: title, reference code and status up front,
// the booking's fields, the notes (wrapped; cut with an ellipsis if they do
// not fit the page) and the issue date (issued_on, preformatted).
//
// The file appears at out_path only when complete (written to a temporary
// file in the same directory, then renamed over out_path; mode 0600). On
// failure RenderError is thrown, out_path is left as it was and no
// temporary file remains.
void render_confirmation(const BookingRow& booking, const std::string& issued_on, const std::string& out_path,
                         const Fonts& fonts = {});

}  // namespace keel::pdf
