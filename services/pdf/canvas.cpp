#include "services/pdf/canvas.hpp"

namespace keel::pdf {

double text_width(HPDF_Font font, float size, std::string_view text) {
  const HPDF_TextWidth w =
      HPDF_Font_TextWidth(font, reinterpret_cast<const HPDF_BYTE*>(text.data()), static_cast<HPDF_UINT>(text.size()));
  return static_cast<double>(w.width) * size / 1000.0;  // glyph widths are in 1/1000 em
}

WidthFn width_fn(const TextStyle& style) {
  return [font = style.font, size = style.size](std::string_view s) { return text_width(font, size, s); };
}

Canvas::Canvas(Document& doc, HPDF_Page page)
    : doc_(doc), page_(page), width_(HPDF_Page_GetWidth(page)), height_(HPDF_Page_GetHeight(page)) {
  doc_.check("reading the page size");
}

void Canvas::set_fill(Rgb c) {
  if (fill_known_ && c == fill_) return;
  doc_.check(HPDF_Page_SetRGBFill(page_, c.r, c.g, c.b), "setting the fill colour");
  fill_ = c;
  fill_known_ = true;
}

void Canvas::text(float x, float y, const TextStyle& style, const std::string& s) {
  if (s.empty()) return;
  set_fill(style.color);
  doc_.check(HPDF_Page_BeginText(page_), "beginning text");
  // Font and size are graphics state, so they survive BT/ET and need
  // setting only when they change.
  if (style.font != font_ || style.size != font_size_) {
    doc_.check(HPDF_Page_SetFontAndSize(page_, style.font, style.size), "setting the font");
    font_ = style.font;
    font_size_ = style.size;
  }
  doc_.check(HPDF_Page_TextOut(page_, x, y, s.c_str()), "drawing text");
  doc_.check(HPDF_Page_EndText(page_), "ending text");
}

void Canvas::text_right(float right, float y, const TextStyle& style, const std::string& s) {
  text(right - static_cast<float>(text_width(style.font, style.size, s)), y, style, s);
}

void Canvas::text_center(float center, float y, const TextStyle& style, const std::string& s) {
  text(center - static_cast<float>(text_width(style.font, style.size, s)) / 2, y, style, s);
}

void Canvas::fill_rect(float x, float y, float w, float h, Rgb color) {
  set_fill(color);
  doc_.check(HPDF_Page_Rectangle(page_, x, y, w, h), "drawing a rectangle");
  doc_.check(HPDF_Page_Fill(page_), "filling a rectangle");
}

void Canvas::hline(float x1, float x2, float y, float line_width, Rgb c) {
  doc_.check(HPDF_Page_SetRGBStroke(page_, c.r, c.g, c.b), "setting the stroke colour");
  doc_.check(HPDF_Page_SetLineWidth(page_, line_width), "setting the line width");
  doc_.check(HPDF_Page_MoveTo(page_, x1, y), "drawing a line");
  doc_.check(HPDF_Page_LineTo(page_, x2, y), "drawing a line");
  doc_.check(HPDF_Page_Stroke(page_), "drawing a line");
}

}  // namespace keel::pdf
