// RenderError: the one exception type the PDF renderers throw for their own
// failures (libharu errors, unusable fonts, unwritable output paths).
#pragma once

#include <stdexcept>
#include <string>

namespace keel::pdf {

class RenderError : public std::runtime_error {
 public:
  // error_no/detail_no are libharu's numbers (0 when the failure is not
  // libharu's, e.g. a failed write(2)); they are also spelled out in what().
  explicit RenderError(const std::string& message, unsigned long error_no = 0, unsigned long detail_no = 0);

  unsigned long error_no() const noexcept { return error_no_; }
  unsigned long detail_no() const noexcept { return detail_no_; }

 private:
  unsigned long error_no_;
  unsigned long detail_no_;
};

// "libharu error 0x1017 (cannot open file), detail 2 (No such file or directory)"
std::string describe_hpdf_error(unsigned long error_no, unsigned long detail_no);

}  // namespace keel::pdf
