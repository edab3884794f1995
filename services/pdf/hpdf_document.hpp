#pragma once
// Owning wrapper around a libharu document, set up for embedded UTF-8
// TrueType text and compressed streams.
//
// libharu reports errors through a C callback. The callback only records the
// error numbers (it must never throw through libharu's C frames); check()
// turns a recorded error or a failed status into a RenderError once the
// libharu call has returned.
#include <hpdf.h>

#include <memory>
#include <string>
#include <type_traits>

#include "services/pdf/booking_row.hpp"

namespace keel::pdf {

class OutputFile;

struct LoadedFonts {
  HPDF_Font regular = nullptr;
  HPDF_Font bold = nullptr;
};

class Document {
 public:
  Document();                          // throws RenderError
  Document(const Document&) = delete;  // libharu holds a pointer to error_
  Document& operator=(const Document&) = delete;

  HPDF_Doc get() const { return doc_.get(); }

  // Throws RenderError naming `what` if status is not HPDF_OK or libharu
  // reported an error since the last check.
  void check(HPDF_STATUS status, const char* what);
  // For calls that return a value rather than a status.
  void check(const char* what) { check(HPDF_OK, what); }
  template <class Handle>
  Handle check_handle(Handle handle, const char* what) {
    check(handle ? HPDF_OK : HPDF_INVALID_OBJECT, what);
    return handle;
  }

  // Loads (and embeds) each font file once.
  LoadedFonts load_fonts(const Fonts& fonts);
  HPDF_Page add_page(HPDF_PageSizes size, HPDF_PageDirection direction);
  // Document title and creator in the PDF metadata.
  void set_info(const std::string& title);
  // Serialises the document into out (the caller commits it).
  void save(OutputFile& out);

 private:
  struct Error {
    HPDF_STATUS error_no = HPDF_OK;
    HPDF_STATUS detail_no = 0;
  };
  static void on_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void* user_data) noexcept;
  HPDF_Font load_font(const std::string& path);

  struct Free {
    void operator()(HPDF_Doc doc) const { HPDF_Free(doc); }
  };

  Error error_;
  std::unique_ptr<std::remove_pointer_t<HPDF_Doc>, Free> doc_;  // freed even if the constructor throws
};

}  // namespace keel::pdf
