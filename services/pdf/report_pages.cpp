#include "services/pdf/report_pages.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "services/pdf/number_format.hpp"
#include "services/pdf/str_cat.hpp"
#include "services/pdf/text_fit.hpp"
#include "services/pdf/theme.hpp"
#include "services/pdf/utf8_text.hpp"

namespace keel::pdf {
namespace {

// A4 landscape, in points.
constexpr float kMargin = 36;
constexpr float kRowHeight = 11;
constexpr float kHeaderRowHeight = 16;
constexpr float kCellPad = 4;
constexpr float kBodySize = 8;
constexpr float kFooterRule = kMargin + 12;
constexpr float kBottom = kFooterRule + 10;  // nothing is drawn below this but the footer

struct Column {
  const char* title;
  float width;
  bool right_aligned;
};

// Widths add up to the 769.9 pt between the margins.
constexpr std::array<Column, 7> kColumns{{
    {"Ref", 80, false},
    {"Starts (UTC)", 104, false},
    {"Service", 124, false},
    {"Name", 134, false},
    {"Email", 199.9f, false},
    {"Min", 40, true},
    {"Status", 88, false},
}};

// Summary table: status, bookings, share, minutes, hours.
constexpr std::array<Column, 5> kSummaryColumns{{
    {"Status", 200, false},
    {"Bookings", 80, true},
    {"Share", 70, true},
    {"Minutes", 90, true},
    {"Hours", 110, true},
}};
constexpr float kSummaryWidth = 200 + 80 + 70 + 90 + 110;
constexpr float kSummaryLineHeight = 14;
constexpr std::size_t kStatusColumn = 6;

// Cell text inside its column's padding, cut to fit.
void draw_cell(Canvas& c, float x, const Column& col, float baseline, const TextStyle& style, std::string_view raw) {
  const std::string text = fit_with_ellipsis(sanitize_utf8(raw), col.width - 2 * kCellPad, width_fn(style));
  if (col.right_aligned) {
    c.text_right(x + col.width - kCellPad, baseline, style, text);
  } else {
    c.text(x + kCellPad, baseline, style, text);
  }
}

}  // namespace

ReportPages::ReportPages(Document& doc, const LoadedFonts& fonts, const ReportMeta& meta)
    : doc_(doc),
      fonts_(fonts),
      title_(sanitize_utf8(meta.title.empty() ? std::string("Bookings report") : meta.title)),
      filter_(sanitize_utf8(meta.filter_summary)),
      generated_(sanitize_utf8(meta.generated_at)) {}

TextStyle ReportPages::style(bool bold, float size, Rgb color) const {
  return {bold ? fonts_.bold : fonts_.regular, size, color};
}

void ReportPages::ensure_room(float needed, Section section) {
  if (!canvas_ || y_ - needed < kBottom || (section == Section::kTable && rows_on_page_ == kRowsPerPage)) {
    new_page(section);
  }
}

void ReportPages::new_page(Section section, bool continued) {
  HPDF_Page page = doc_.add_page(HPDF_PAGE_SIZE_A4, HPDF_PAGE_LANDSCAPE);
  pages_.push_back(page);
  canvas_.emplace(doc_, page);
  rows_on_page_ = 0;
  page_header();
  if (section == Section::kTable) {
    table_header();
  } else {
    summary_header(continued);
    if (summary_table_started_) summary_columns();
  }
}

// Title, generation time and filter summary; on every page.
void ReportPages::page_header() {
  Canvas& c = *canvas_;
  const float left = kMargin, right = c.width() - kMargin;
  c.fill_rect(0, c.height() - 5, c.width(), 5, theme::kAccent);
  const float top = c.height() - kMargin;

  const TextStyle meta = style(false, 8, theme::kMuted);
  const std::string generated =
      fit_with_ellipsis(generated_.empty() ? "" : cat("Generated ", generated_), (right - left) / 3, width_fn(meta));
  const double generated_w = text_width(meta.font, meta.size, generated);
  const TextStyle title = style(true, 14, theme::kInk);
  c.text(left, top - 12, title, fit_with_ellipsis(title_, right - left - generated_w - 24, width_fn(title)));
  c.text_right(right, top - 12, meta, generated);
  if (!filter_.empty()) {
    const TextStyle filter = style(false, 8.5f, theme::kMuted);
    c.text(left, top - 27, filter, fit_with_ellipsis(filter_, right - left, width_fn(filter)));
  }
  y_ = top - 38;
}

void ReportPages::table_header() {
  Canvas& c = *canvas_;
  c.fill_rect(kMargin, y_ - kHeaderRowHeight, c.width() - 2 * kMargin, kHeaderRowHeight, theme::kAccent);
  const TextStyle head = style(true, kBodySize, theme::kOnAccent);
  float x = kMargin;
  for (const Column& col : kColumns) {
    draw_cell(c, x, col, y_ - 11, head, col.title);
    x += col.width;
  }
  y_ -= kHeaderRowHeight;
}

void ReportPages::add_row(const BookingRow& row) {
  ensure_room(kRowHeight, Section::kTable);
  Canvas& c = *canvas_;
  if (rows_on_page_ % 2 == 1) {
    c.fill_rect(kMargin, y_ - kRowHeight, c.width() - 2 * kMargin, kRowHeight, theme::kPanel);
  }
  const std::string minutes = std::to_string(row.duration_minutes);
  const std::array<std::string_view, kColumns.size()> cells{row.reference, row.starts_at, row.service, row.name,
                                                            row.email,     minutes,       row.status};
  float x = kMargin;
  for (std::size_t i = 0; i < kColumns.size(); ++i) {
    const Rgb color = i == kStatusColumn ? theme::status_color(row.status) : theme::kInk;
    draw_cell(c, x, kColumns[i], y_ - 8, style(false, kBodySize, color), cells[i]);
    x += kColumns[i].width;
  }
  y_ -= kRowHeight;
  ++rows_on_page_;
}

void ReportPages::add_empty_notice() {
  ensure_room(2 * kRowHeight, Section::kTable);
  canvas_->text(kMargin + kCellPad, y_ - 14, style(false, 9, theme::kMuted),
                "There are no bookings matching this report.");
  y_ -= 2 * kRowHeight;
}

void ReportPages::summary_header(bool continued) {
  Canvas& c = *canvas_;
  const float left = kMargin;
  y_ -= 18;
  c.text(left, y_, style(true, 11, theme::kAccent), continued ? "Summary (continued)" : "Summary");
  y_ -= 8;
  c.hline(left, c.width() - kMargin, y_, 0.75f, theme::kRule);
  y_ -= 4;
}

void ReportPages::summary_line(const std::string& status, std::size_t count, std::int64_t minutes, std::size_t all,
                               bool total) {
  ensure_room(kSummaryLineHeight + 4, Section::kSummary);
  Canvas& c = *canvas_;
  const float baseline = y_ - 10;
  const TextStyle text = style(total, 8.5f, theme::kInk);
  const std::array<std::string, kSummaryColumns.size()> cells{
      status, group_thousands(static_cast<std::int64_t>(count)),
      percent(static_cast<std::int64_t>(count), static_cast<std::int64_t>(all)), group_thousands(minutes),
      hours_minutes(minutes)};
  if (total) c.hline(kMargin, kMargin + kSummaryWidth, y_ - 1, 0.5f, theme::kRule);
  float x = kMargin;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    TextStyle cell_style = text;
    if (i == 0 && !total) cell_style.color = theme::status_color(status);
    draw_cell(c, x, kSummaryColumns[i], baseline, cell_style, cells[i]);
    x += kSummaryColumns[i].width;
  }
  y_ -= kSummaryLineHeight;
}

// Column titles of the per-status table.
void ReportPages::summary_columns() {
  float x = kMargin;
  const TextStyle head = style(true, 8, theme::kMuted);
  for (const Column& col : kSummaryColumns) {
    draw_cell(*canvas_, x, col, y_ - 10, head, col.title);
    x += col.width;
  }
  y_ -= kSummaryLineHeight;
}

void ReportPages::add_summary(const ReportTotals& totals) {
  const std::vector<StatusTotal> statuses = totals.by_status();
  // Heading, totals line and the first table lines stay together.
  const std::size_t first_lines = std::min<std::size_t>(statuses.size() + 2, 4);
  const float block = 30 + 20 + (kSummaryLineHeight + 2) * static_cast<float>(first_lines);
  if (!canvas_ || y_ - block < kBottom) {
    new_page(Section::kSummary, /*continued=*/false);
  } else {
    summary_header(/*continued=*/false);
  }
  Canvas& c = *canvas_;
  y_ -= 14;
  c.text(kMargin, y_, style(true, 9.5f, theme::kInk),
         cat("Total bookings: ", group_thousands(static_cast<std::int64_t>(totals.count())),
             "     Total booked time: ", group_thousands(totals.minutes()), " min",
             totals.minutes() >= 60 ? cat(" (", hours_minutes(totals.minutes()), ")") : ""));
  y_ -= 10;
  if (totals.count() == 0) return;

  ensure_room(2 * kSummaryLineHeight, Section::kSummary);
  summary_columns();
  summary_table_started_ = true;
  for (const StatusTotal& s : statuses) { summary_line(s.status, s.count, s.minutes, totals.count(), false); }
  summary_line("All bookings", totals.count(), totals.minutes(), totals.count(), true);
}

void ReportPages::finish() {
  if (pages_.empty()) new_page(Section::kTable);
  const std::string of = cat(" of ", group_thousands(static_cast<std::int64_t>(pages_.size())));
  const TextStyle small = style(false, 8, theme::kMuted);
  for (std::size_t i = 0; i < pages_.size(); ++i) {
    // libharu keeps every page open until save, so earlier pages can still
    // be drawn on now that the page count is known.
    Canvas c(doc_, pages_[i]);
    const float right = c.width() - kMargin;
    const std::string page_text = cat("Page ", group_thousands(static_cast<std::int64_t>(i + 1)), of);
    c.hline(kMargin, right, kFooterRule, 0.5f, theme::kRule);
    const double room = right - kMargin - text_width(small.font, small.size, page_text) - 24;
    c.text(kMargin, kMargin, small, fit_with_ellipsis(title_, room, width_fn(small)));
    c.text_right(right, kMargin, small, page_text);
  }
  canvas_.reset();
}

}  // namespace keel::pdf
