#include "services/pdf/hpdf_document.hpp"

#include <algorithm>
#include <array>
#include <iterator>
#include <vector>

#include "services/pdf/font_file.hpp"
#include "services/pdf/output_file.hpp"
#include "services/pdf/render_error.hpp"
#include "services/pdf/str_cat.hpp"
#include "services/pdf/utf8_text.hpp"

namespace keel::pdf {

void Document::on_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void* user_data) noexcept {
  auto* error = static_cast<Error*>(user_data);
  if (error->error_no == HPDF_OK) {  // keep the first error: it is the cause
    error->error_no = error_no;
    error->detail_no = detail_no;
  }
}

Document::Document() {
  doc_.reset(HPDF_New(&Document::on_error, &error_));
  if (!doc_) throw RenderError("pdf: cannot create document: out of memory", HPDF_FAILD_TO_ALLOC_MEM);
  check(HPDF_SetCompressionMode(doc_.get(), HPDF_COMP_ALL), "enabling compression");
  check(HPDF_UseUTFEncodings(doc_.get()), "enabling UTF-8");
  check(HPDF_SetCurrentEncoder(doc_.get(), "UTF-8"), "selecting the UTF-8 encoder");
}

void Document::check(HPDF_STATUS status, const char* what) {
  if (status == HPDF_OK && error_.error_no == HPDF_OK) return;
  const Error e = error_.error_no != HPDF_OK ? error_ : Error{status, 0};
  error_ = {};
  HPDF_ResetError(doc_.get());
  throw RenderError(cat("pdf: ", what, " failed: ", describe_hpdf_error(e.error_no, e.detail_no)), e.error_no,
                    e.detail_no);
}

HPDF_Font Document::load_font(const std::string& path) {
  check_truetype_file(path);
  const std::string what = cat("loading font '", path, "'");
  const char* name = HPDF_LoadTTFontFromFile(doc_.get(), path.c_str(), HPDF_TRUE /* embed */);
  check_handle(name, what.c_str());
  return check_handle(HPDF_GetFont(doc_.get(), name, "UTF-8"), what.c_str());
}

LoadedFonts Document::load_fonts(const Fonts& fonts) {
  LoadedFonts out;
  out.regular = load_font(fonts.regular);
  // libharu refuses to load the same file twice.
  out.bold = fonts.bold == fonts.regular ? out.regular : load_font(fonts.bold);
  return out;
}

HPDF_Page Document::add_page(HPDF_PageSizes size, HPDF_PageDirection direction) {
  HPDF_Page page = check_handle(HPDF_AddPage(doc_.get()), "adding a page");
  check(HPDF_Page_SetSize(page, size, direction), "setting the page size");
  return page;
}

void Document::set_info(const std::string& title) {
  // With the UTF-8 encoder current, libharu stores info strings as UTF-16BE.
  std::string clean = sanitize_utf8(title);
  if (clean.size() > 1000) {  // metadata only; keep it well under libharu's string limit
    const std::vector<std::size_t> cuts = code_point_boundaries(clean);
    clean.resize(*std::prev(std::upper_bound(cuts.begin(), cuts.end(), std::size_t{1000})));
  }
  if (!clean.empty()) { check(HPDF_SetInfoAttr(doc_.get(), HPDF_INFO_TITLE, clean.c_str()), "setting the title"); }
  check(HPDF_SetInfoAttr(doc_.get(), HPDF_INFO_CREATOR, "keel"), "setting the creator");
}

void Document::save(OutputFile& out) {
  // Saving to libharu's memory stream and writing it out ourselves (rather
  // than HPDF_SaveToFile) lets every write and the final close be checked;
  // the compressed PDF is small next to the uncompressed page contents
  // libharu already holds.
  check(HPDF_SaveToStream(doc_.get()), "serialising the PDF");
  HPDF_UINT32 remaining = HPDF_GetStreamSize(doc_.get());
  check("sizing the PDF");
  std::array<HPDF_BYTE, 64 * 1024> buf;
  while (remaining > 0) {
    // Never ask past the end: libharu treats that as an error.
    HPDF_UINT32 n = std::min<HPDF_UINT32>(remaining, buf.size());
    check(HPDF_ReadFromStream(doc_.get(), buf.data(), &n), "reading the PDF stream");
    if (n == 0) throw RenderError("pdf: reading the PDF stream returned no data");
    out.write(buf.data(), n);
    remaining -= n;
  }
}

}  // namespace keel::pdf
