#include "services/reports/report_file.hpp"

namespace keel::reports {

void ReportFile::write(std::string_view html) {
  sha_.update(html);
  bytes_ += html.size();
  gzip_.encode(html, false, out_);
  if (!out_.empty()) file_.write(out_.data(), out_.size());
  out_.clear();
}

Rendered ReportFile::finish() {
  gzip_.encode({}, true, out_);
  if (!out_.empty()) file_.write(out_.data(), out_.size());
  out_.clear();
  out_.shrink_to_fit();
  return Rendered{.path = file_.path(), .bytes = bytes_, .stored_bytes = file_.size(), .sha256 = sha_.finish_hex()};
}

}  // namespace keel::reports
