#pragma once
// The bookings report as one self-contained HTML document (inline CSS, an
// inline SVG chart, a small inline script that sorts the tables), written
// piece by piece to a sink: the summary first, then the period's bookings a
// page at a time, so the document is never whole in memory.
#include "services/bookings/model.hpp"
#include "services/reports/model.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace keel::reports {

// &, <, >, " and ' as character references.
std::string html_escape(std::string_view text);

class HtmlReport {
 public:
  using Sink = std::function<void(std::string_view)>;
  explicit HtmlReport(Sink sink) : sink_(std::move(sink)) {}

  // The head, the figures and the opening of the bookings table.
  void begin(const Summary& s);
  // Rows of the bookings table, in the order given.
  void rows(const std::vector<bookings::Booking>& page);
  // Closes the table and the document.
  void end();

 private:
  Sink sink_;
};

}  // namespace keel::reports
