#pragma once
// Multi-page bookings report PDF, fed in batches.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "services/pdf/booking_row.hpp"
#include "services/pdf/render_error.hpp"

namespace keel::pdf {

struct ReportMeta {
  std::string title;           // e.g. "Bookings report"
  std::string filter_summary;  // e.g. "Status: confirmed · December 2026"
  std::string generated_at;    // preformatted
};

struct ReportStats {
  std::size_t rows = 0;
  std::size_t pages = 0;
};

// Renders an A4 landscape table of bookings (40 rows a page; the title,
// filter summary and column headers repeat on every page), then a summary:
// number of bookings, bookings and booked time per status, total booked
// minutes and hours. If the summary does not fit under the last rows it
// starts a new page, which has the page title but no table header. Every
// page carries "Page N of M" in its footer.
//
// next_batch() is called until it returns an empty vector; each batch is
// drawn and dropped, so rows never need to be in memory at once (keyset
// pagination friendly). libharu keeps page contents in memory until the
// file is written (about 1 KiB per row: a 10,000-row report grows peak RSS
// by ~9.3 MiB), which is what lets the footers be drawn once M is known,
// after the last batch.
//
// Cells longer than their column are cut with an ellipsis. Output and
// failure handling as for render_confirmation; an exception thrown by
// next_batch() propagates unchanged, also leaving no file behind.
ReportStats render_report(const std::function<std::vector<BookingRow>()>& next_batch, const ReportMeta& meta,
                          const std::string& out_path, const Fonts& fonts = {});

}  // namespace keel::pdf
