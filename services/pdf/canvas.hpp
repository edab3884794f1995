#pragma once
// Drawing on one page: text, filled rectangles and rules, each call checked
// through the Document. Tracks the current font and fill colour so repeated
// rows do not repeat the same operators (keeps the in-memory page streams
// small for long reports).
#include <hpdf.h>

#include <string>
#include <string_view>

#include "services/pdf/hpdf_document.hpp"
#include "services/pdf/text_fit.hpp"

namespace keel::pdf {

struct Rgb {
  float r = 0, g = 0, b = 0;
  bool operator==(const Rgb&) const = default;
};

struct TextStyle {
  HPDF_Font font = nullptr;
  float size = 10;
  Rgb color;
};

// Width of text in points for a font and size.
double text_width(HPDF_Font font, float size, std::string_view text);
WidthFn width_fn(const TextStyle& style);

class Canvas {
 public:
  Canvas(Document& doc, HPDF_Page page);

  float width() const { return width_; }
  float height() const { return height_; }

  // Text is UTF-8 that has been through sanitize_utf8; y is the baseline.
  void text(float x, float y, const TextStyle& style, const std::string& text);
  void text_right(float right, float y, const TextStyle& style, const std::string& text);
  void text_center(float center, float y, const TextStyle& style, const std::string& text);
  void fill_rect(float x, float y, float w, float h, Rgb color);
  void hline(float x1, float x2, float y, float line_width, Rgb color);

 private:
  void set_fill(Rgb color);

  Document& doc_;
  HPDF_Page page_;
  float width_, height_;
  HPDF_Font font_ = nullptr;
  float font_size_ = 0;
  bool fill_known_ = false;
  Rgb fill_;
};

}  // namespace keel::pdf
