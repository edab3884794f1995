#pragma once
// Page layout of the bookings report: flows table rows and the summary onto
// A4 landscape pages, starting new pages as needed, and draws the
// "Page N of M" footers once the page count is known.
#include <hpdf.h>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "services/pdf/booking_row.hpp"
#include "services/pdf/canvas.hpp"
#include "services/pdf/hpdf_document.hpp"
#include "services/pdf/report.hpp"
#include "services/pdf/report_totals.hpp"

namespace keel::pdf {

class ReportPages {
 public:
  static constexpr std::size_t kRowsPerPage = 40;

  ReportPages(Document& doc, const LoadedFonts& fonts, const ReportMeta& meta);

  void add_row(const BookingRow& row);
  // The "no bookings" line, for a report without rows.
  void add_empty_notice();
  void add_summary(const ReportTotals& totals);
  // Draws every page's footer; call last.
  void finish();

  std::size_t page_count() const { return pages_.size(); }

 private:
  enum class Section { kTable, kSummary };

  TextStyle style(bool bold, float size, Rgb color) const;
  // Starts a page when fewer than `needed` points remain above the footer.
  void ensure_room(float needed, Section section);
  // continued: a summary page that carries on from the previous page.
  void new_page(Section section, bool continued = true);
  void page_header();
  void table_header();
  void summary_header(bool continued);
  void summary_columns();
  void summary_line(const std::string& status, std::size_t count, std::int64_t minutes, std::size_t all, bool total);

  Document& doc_;
  LoadedFonts fonts_;
  std::string title_, filter_, generated_;
  std::vector<HPDF_Page> pages_;
  std::optional<Canvas> canvas_;  // the page being filled
  float y_ = 0;                   // top of the next row
  std::size_t rows_on_page_ = 0;
  bool summary_table_started_ = false;
};

}  // namespace keel::pdf
