#include "services/pdf/text_fit.hpp"

#include <algorithm>

#include "http/text/ascii.hpp"
#include "services/pdf/utf8_text.hpp"

namespace keel::pdf {
namespace {

// Longest code point prefix p of text with width(p + suffix) <= max_width
// (trailing spaces of p dropped when a suffix follows). Widths only grow
// with the prefix, so a binary search over code point boundaries works.
std::string_view longest_prefix(std::string_view text, std::string_view suffix, double max_width,
                                const WidthFn& width) {
  const std::vector<std::size_t> cuts = code_point_boundaries(text);
  auto fits = [&](std::size_t cut) {
    std::string candidate(suffix.empty() ? text.substr(0, cut) : keel::text::trim_end(text.substr(0, cut), " "));
    candidate += suffix;
    return width(candidate) <= max_width;
  };
  std::size_t lo = 0, hi = cuts.size() - 1;  // invariant: cuts[lo] fits or lo == 0
  while (lo < hi) {
    const std::size_t mid = (lo + hi + 1) / 2;
    if (fits(cuts[mid])) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  std::string_view prefix = text.substr(0, cuts[lo]);
  return suffix.empty() ? prefix : keel::text::trim_end(prefix, " ");
}

std::string with_ellipsis(std::string_view text, double max_width, const WidthFn& width) {
  if (width(kEllipsis) > max_width) return {};
  std::string out(longest_prefix(text, kEllipsis, max_width, width));
  out += kEllipsis;
  return out;
}

// Collects wrapped lines and stops accepting once max_lines is exceeded.
class LineSink {
 public:
  explicit LineSink(std::size_t max_lines) : max_lines_(max_lines) {}
  bool full() const { return overflow_; }
  bool empty() const { return lines_.empty(); }
  void push(std::string line) {
    if (lines_.size() == max_lines_) {
      overflow_ = true;
      return;
    }
    lines_.push_back(std::move(line));
  }
  std::vector<std::string> take(double max_width, const WidthFn& width) {
    if (overflow_ && !lines_.empty()) {
      // Force the ellipsis even if the last line would fit as is.
      std::string& last = lines_.back();
      last = width(last + std::string(kEllipsis)) <= max_width
                 ? std::string(keel::text::trim_end(last, " ")) + std::string(kEllipsis)
                 : with_ellipsis(last, max_width, width);
    }
    return std::move(lines_);
  }

 private:
  std::size_t max_lines_;
  bool overflow_ = false;
  std::vector<std::string> lines_;
};

void wrap_paragraph(std::string_view para, double max_width, const WidthFn& width, LineSink& sink) {
  std::string line;
  std::size_t pos = 0;
  while (pos < para.size() && !sink.full()) {
    if (para[pos] == ' ') {
      ++pos;
      continue;
    }
    const std::size_t end = std::min(para.find(' ', pos), para.size());
    std::string_view word = para.substr(pos, end - pos);
    pos = end;

    std::string candidate = line.empty() ? std::string(word) : line + ' ' + std::string(word);
    if (width(candidate) <= max_width) {
      line = std::move(candidate);
      continue;
    }
    if (!line.empty()) {
      sink.push(std::move(line));
      line.clear();
    }
    // A word wider than a whole line is split between code points.
    while (!word.empty() && width(word) > max_width && !sink.full()) {
      std::string_view head = longest_prefix(word, {}, max_width, width);
      if (head.empty()) head = word.substr(0, code_point_boundaries(word)[1]);  // always progress
      sink.push(std::string(head));
      word.remove_prefix(head.size());
    }
    line = std::string(word);
  }
  if (!line.empty()) sink.push(std::move(line));
}

}  // namespace

std::string fit_with_ellipsis(std::string_view text, double max_width, const WidthFn& width) {
  if (width(text) <= max_width) return std::string(text);
  return with_ellipsis(text, max_width, width);
}

std::vector<std::string> wrap_text(std::string_view text, double max_width, std::size_t max_lines,
                                   const WidthFn& width) {
  LineSink sink(max_lines);
  bool pending_blank = false;  // a blank line is only kept between paragraphs
  std::size_t pos = 0;
  while (pos <= text.size() && !sink.full()) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    const std::string_view para = text.substr(pos, end - pos);
    pos = end + 1;
    if (keel::text::trim_end(para, " ").empty()) {
      pending_blank = true;
      continue;
    }
    if (pending_blank && !sink.empty()) sink.push({});
    pending_blank = false;
    wrap_paragraph(para, max_width, width, sink);
  }
  std::vector<std::string> lines = sink.take(max_width, width);
  return lines;
}

}  // namespace keel::pdf
