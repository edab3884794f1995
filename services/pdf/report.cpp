#include "services/pdf/report.hpp"

#include "services/pdf/hpdf_document.hpp"
#include "services/pdf/output_file.hpp"
#include "services/pdf/report_pages.hpp"
#include "services/pdf/report_totals.hpp"

namespace keel::pdf {

ReportStats render_report(const std::function<std::vector<BookingRow>()>& next_batch, const ReportMeta& meta,
                          const std::string& out_path, const Fonts& fonts) {
  OutputFile out(out_path);  // first, so a bad path fails before any query
  Document doc;
  const LoadedFonts loaded = doc.load_fonts(fonts);
  doc.set_info(meta.title);

  ReportPages pages(doc, loaded, meta);
  ReportTotals totals;
  for (std::vector<BookingRow> batch = next_batch(); !batch.empty(); batch = next_batch()) {
    for (const BookingRow& row : batch) {
      pages.add_row(row);
      totals.add(row);
    }
  }
  if (totals.count() == 0) pages.add_empty_notice();
  pages.add_summary(totals);
  pages.finish();

  doc.save(out);
  out.commit();
  return {totals.count(), pages.page_count()};
}

}  // namespace keel::pdf
