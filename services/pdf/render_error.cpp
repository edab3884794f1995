#include "services/pdf/render_error.hpp"

#include <hpdf.h>

#include <cstdio>
#include <system_error>

#include "services/pdf/str_cat.hpp"

namespace keel::pdf {

RenderError::RenderError(const std::string& message, unsigned long error_no, unsigned long detail_no)
    : std::runtime_error(message), error_no_(error_no), detail_no_(detail_no) {}

namespace {

// Only the codes this renderer can plausibly hit; the rest print as numbers.
const char* hpdf_error_name(unsigned long error_no) {
  switch (error_no) {
    case HPDF_FAILD_TO_ALLOC_MEM:
      return "out of memory";
    case HPDF_FILE_IO_ERROR:
      return "file I/O error";
    case HPDF_FILE_OPEN_ERROR:
      return "cannot open file";
    case HPDF_FONT_EXISTS:
      return "font already loaded";
    case HPDF_INVALID_FONTDEF_DATA:
      return "invalid font data";
    case HPDF_INVALID_FONT_NAME:
      return "invalid font name";
    case HPDF_INVALID_FONT:
      return "invalid font";
    case HPDF_INVALID_ENCODER:
      return "invalid encoder";
    case HPDF_INVALID_PARAMETER:
      return "invalid parameter";
    case HPDF_INVALID_OBJECT:
      return "invalid object";
    case HPDF_PAGE_INVALID_GMODE:
      return "drawing call in the wrong graphics mode";
    case HPDF_PAGE_FONT_NOT_FOUND:
      return "no font set on page";
    case HPDF_PAGE_OUT_OF_RANGE:
      return "page size out of range";
    case HPDF_REAL_OUT_OF_RANGE:
      return "number out of range";
    case HPDF_STRING_OUT_OF_RANGE:
      return "string too long";
    case HPDF_TTF_CANNOT_EMBEDDING_FONT:
      return "font licence forbids embedding";
    case HPDF_TTF_INVALID_CMAP:
      return "font has no usable cmap";
    case HPDF_TTF_INVALID_FOMAT:
      return "not a TrueType font";
    case HPDF_TTF_MISSING_TABLE:
      return "font misses a required table";
    case HPDF_ZLIB_ERROR:
      return "zlib error";
    default:
      return nullptr;
  }
}

}  // namespace

std::string describe_hpdf_error(unsigned long error_no, unsigned long detail_no) {
  char code[32];
  std::snprintf(code, sizeof code, "0x%04lX", error_no);
  std::string out = "libharu error ";
  out += code;
  if (const char* name = hpdf_error_name(error_no)) {
    out += " (";
    out += name;
    out += ')';
  }
  out += cat(", detail ", std::to_string(detail_no));
  // For file errors libharu puts errno into the detail number.
  if ((error_no == HPDF_FILE_OPEN_ERROR || error_no == HPDF_FILE_IO_ERROR) && detail_no != 0) {
    out += cat(" (", std::generic_category().message(static_cast<int>(detail_no)), ")");
  }
  return out;
}

}  // namespace keel::pdf
