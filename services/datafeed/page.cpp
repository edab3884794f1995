#include "services/datafeed/page.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace keel::datafeed {

PageShape page_shape(std::uint64_t count, std::uint64_t offset, std::uint64_t limit) {
  PageShape s;
  s.offset = offset;
  s.limit = limit;
  s.returned = offset >= count ? 0 : std::min(limit, count - offset);
  if (s.returned > 0 && offset + s.returned < count) s.next_offset = offset + s.returned;
  return s;
}

std::string page_prefix(const Generation& g, const PageShape& shape) {
  nlohmann::json next = shape.next_offset ? nlohmann::json(*shape.next_offset) : nlohmann::json(nullptr);
  std::string out;
  out.reserve(192);
  out += R"({"dataset":)";
  out += nlohmann::json(g.dataset).dump();
  out += R"(,"generation":)";
  out += nlohmann::json(g.id).dump();
  out += R"(,"count":)" + std::to_string(g.records);
  out += R"(,"offset":)" + std::to_string(shape.offset);
  out += R"(,"limit":)" + std::to_string(shape.limit);
  out += R"(,"returned":)" + std::to_string(shape.returned);
  out += R"(,"next_offset":)" + next.dump();
  out += R"(,"data":[)";
  return out;
}

PageRecords::PageRecords(std::shared_ptr<const Generation> g, RecordRange range)
    : g_(std::move(g)), range_(range), next_(range.begin) {}

std::uint64_t PageRecords::size() const {
  const std::uint64_t bytes = range_.end - range_.begin;
  return range_.count > 0 ? bytes - 1 : 0;  // the last line end is dropped
}

void PageRecords::read_next(std::string& out, std::size_t max) {
  const std::uint64_t want = std::min<std::uint64_t>(max, range_.end - next_);
  if (want == 0) return;
  const std::size_t at = out.size();
  out.resize(at + want);
  std::size_t got = 0;
  while (got < want) {
    const ssize_t n = ::pread(g_->records_file->fd(), out.data() + at + got, want - got,
                              static_cast<off_t>(next_ + got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      out.resize(at);
      throw std::system_error(n < 0 ? errno : EIO, std::generic_category(),
                              "reading records of " + g_->dataset + "/" + g_->id);
    }
    got += static_cast<std::size_t>(n);
  }
  next_ += want;
  // Line ends become commas; the very last one (the range's end) is dropped.
  char* p = out.data() + at;
  char* const stop = p + want;
  while ((p = static_cast<char*>(std::memchr(p, '\n', static_cast<std::size_t>(stop - p)))) != nullptr) *p++ = ',';
  if (done() && range_.count > 0) out.pop_back();
}

}  // namespace keel::datafeed
