#include "services/pdf/confirmation.hpp"

#include <algorithm>
#include <vector>

#include "services/pdf/canvas.hpp"
#include "services/pdf/hpdf_document.hpp"
#include "services/pdf/number_format.hpp"
#include "services/pdf/output_file.hpp"
#include "services/pdf/str_cat.hpp"
#include "services/pdf/text_fit.hpp"
#include "services/pdf/theme.hpp"
#include "services/pdf/utf8_text.hpp"

namespace keel::pdf {
namespace {

// A4 portrait, in points.
constexpr float kMargin = 56;
constexpr float kLabelWidth = 120;    // field labels column
constexpr float kLineHeight = 14.5f;  // wrapped values and notes
constexpr std::size_t kMaxValueLines = 3;
constexpr std::size_t kMaxNoteLines = 40;
constexpr float kFooterTop = kMargin + 22;

std::string duration_text(int minutes) {
  if (minutes < 60) return cat(std::to_string(minutes), " minutes");
  return cat(hours_minutes(minutes), " (", group_thousands(minutes), " minutes)");
}

class ConfirmationLayout {
 public:
  ConfirmationLayout(Canvas& canvas, const LoadedFonts& fonts)
      : c_(canvas), fonts_(fonts), left_(kMargin), right_(canvas.width() - kMargin) {}

  void draw(const BookingRow& b, const std::string& issued_on) {
    const std::string reference = sanitize_utf8(b.reference);
    header(sanitize_utf8(issued_on));
    reference_panel(reference, sanitize_utf8(b.status));
    section("Booking details");
    field("Name", b.name);
    field("Email", b.email);
    field("Phone", b.phone);
    field("Service", b.service);
    field("Starts", b.starts_at);
    if (!b.ends_at.empty()) field("Ends", b.ends_at);
    field("Duration", duration_text(b.duration_minutes));
    field("Booking ID", cat("#", std::to_string(b.id)));
    field("Booked on", b.created_at);
    // The same facts as GET /api/bookings/{id}/calendar.ics.
    if (!b.calendar_uid.empty()) field("Calendar UID", b.calendar_uid);
    notes(sanitize_utf8(b.notes, /*keep_newlines=*/true));
    footer(reference, b.id);
  }

 private:
  TextStyle style(bool bold, float size, Rgb color) const { return {bold ? fonts_.bold : fonts_.regular, size, color}; }

  void header(const std::string& issued_on) {
    c_.fill_rect(0, c_.height() - 8, c_.width(), 8, theme::kAccent);
    y_ = c_.height() - kMargin - 10;
    const TextStyle title = style(true, 22, theme::kInk);
    const std::string title_text = "Booking confirmation";
    c_.text(left_, y_, title, title_text);
    const TextStyle issued = style(false, 9.5f, theme::kMuted);
    const double room = right_ - left_ - text_width(title.font, title.size, title_text) - 24;
    c_.text_right(right_, y_, issued, fit_with_ellipsis(cat("Issued ", issued_on), room, width_fn(issued)));
    y_ -= 16;
    c_.hline(left_, right_, y_, 0.75f, theme::kRule);
    y_ -= 18;
  }

  // Shaded box with the reference code (large) and a coloured status pill.
  void reference_panel(const std::string& reference, const std::string& status) {
    constexpr float kHeight = 74, kPad = 16, kPillH = 20, kPillPad = 10;
    const float top = y_;
    c_.fill_rect(left_, top - kHeight, right_ - left_, kHeight, theme::kPanel);
    c_.fill_rect(left_, top - kHeight, 4, kHeight, theme::kAccent);

    const TextStyle label = style(false, 8, theme::kMuted);
    const TextStyle pill_text = style(true, 10.5f, theme::kOnAccent);
    const std::string status_shown = fit_with_ellipsis(status.empty() ? "Unknown" : status, 170, width_fn(pill_text));
    const float pill_w = static_cast<float>(text_width(pill_text.font, pill_text.size, status_shown)) + 2 * kPillPad;
    const float pill_right = right_ - kPad;

    c_.text(left_ + kPad + 4, top - 22, label, "REFERENCE");
    const TextStyle code = style(true, 24, theme::kAccent);
    const double code_room = pill_right - pill_w - 24 - (left_ + kPad + 4);
    c_.text(left_ + kPad + 4, top - 54, code,
            fit_with_ellipsis(reference.empty() ? "—" : reference, code_room, width_fn(code)));

    c_.text_right(pill_right, top - 22, label, "STATUS");
    const float pill_bottom = top - 58;
    c_.fill_rect(pill_right - pill_w, pill_bottom, pill_w, kPillH, theme::status_color(status));
    c_.text(pill_right - pill_w + kPillPad, pill_bottom + 6, pill_text, status_shown);
    y_ = top - kHeight - 30;
  }

  void section(const std::string& title) {
    c_.text(left_, y_, style(true, 12, theme::kAccent), title);
    y_ -= 10;
    c_.hline(left_, right_, y_, 0.75f, theme::kRule);
    y_ -= 17;
  }

  // Label on the left, value wrapped to at most kMaxValueLines on the right.
  void field(const std::string& label, const std::string& raw_value) {
    const TextStyle label_style = style(false, 9.5f, theme::kMuted);
    const std::string value = sanitize_utf8(raw_value);
    c_.text(left_, y_, label_style, label);
    const float value_x = left_ + kLabelWidth;
    if (value.find_first_not_of(' ') == std::string::npos) {
      c_.text(value_x, y_, label_style, "—");
      y_ -= kLineHeight;
    } else {
      const TextStyle value_style = style(false, 10.5f, theme::kInk);
      for (const std::string& line : wrap_text(value, right_ - value_x, kMaxValueLines, width_fn(value_style))) {
        c_.text(value_x, y_, value_style, line);
        y_ -= kLineHeight;
      }
    }
    y_ -= 6;  // gap before the next field
  }

  void notes(const std::string& text) {
    y_ -= 14;
    section("Notes");
    const TextStyle body = style(false, 10, theme::kInk);
    if (text.find_first_not_of(" \n") == std::string::npos) {
      c_.text(left_, y_, style(false, 10, theme::kMuted), "No notes.");
      return;
    }
    // As many lines as fit above the footer (descenders included), capped.
    const auto fit = static_cast<std::size_t>(std::max(1.0f, (y_ - kFooterTop - 16) / kLineHeight + 1));
    for (const std::string& line : wrap_text(text, right_ - left_, std::min(fit, kMaxNoteLines), width_fn(body))) {
      c_.text(left_, y_, body, line);
      y_ -= kLineHeight;
    }
  }

  void footer(const std::string& reference, std::int64_t id) {
    c_.hline(left_, right_, kFooterTop, 0.75f, theme::kRule);
    const TextStyle small = style(false, 8.5f, theme::kMuted);
    const std::string right_text = cat("Booking #", std::to_string(id));
    const double room = right_ - left_ - text_width(small.font, small.size, right_text) - 24;
    c_.text(
        left_, kFooterTop - 14, small,
        fit_with_ellipsis(cat("Please quote reference ", reference, " when contacting us."), room, width_fn(small)));
    c_.text_right(right_, kFooterTop - 14, small, right_text);
  }

  Canvas& c_;
  LoadedFonts fonts_;
  float left_, right_;
  float y_ = 0;
};

}  // namespace

void render_confirmation(const BookingRow& booking, const std::string& issued_on, const std::string& out_path,
                         const Fonts& fonts) {
  OutputFile out(out_path);  // first, so a bad path fails before rendering
  Document doc;
  const LoadedFonts loaded = doc.load_fonts(fonts);
  doc.set_info("Booking confirmation");
  Canvas canvas(doc, doc.add_page(HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT));
  ConfirmationLayout(canvas, loaded).draw(booking, issued_on);
  doc.save(out);
  out.commit();
}

}  // namespace keel::pdf
