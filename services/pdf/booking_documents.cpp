#include "services/pdf/booking_documents.hpp"

#include "services/pdf/booking_pdf.hpp"
#include "services/pdf/from_bookings.hpp"
#include "services/pdf/unlinked_file.hpp"
#include "services/memory/trim.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>

#include <ctime>
#include <functional>
#include <future>
#include <vector>

namespace keel::pdf {

namespace {

// libharu builds a whole document in many small allocations (about 1 KiB
// of page content per report row) and frees them at the end; glibc keeps
// those pages in the rendering thread's arena, so without a trim every
// blocking thread that once rendered a big report would hold its peak for
// good (two 100,000-row reports: 170 MiB resident afterwards instead of
// ~15 MiB). Giving them back costs a few milliseconds per rendering.
using memory::TrimWhenDone;

// Runs on a blocking-pool thread inside render_report: fetches the next
// keyset batch by running the repository's coroutine on the blocking pool
// itself (not on the io threads, so a stopped io_context cannot leave this
// thread waiting forever) and waiting for it here.
struct BatchSource {
  AppContext& ctx;
  const bookings::ListFilter& filter;
  std::optional<bookings::Cursor> after;
  bool done = false;

  std::vector<BookingRow> operator()() {
    std::vector<BookingRow> rows;
    if (done) return rows;
    std::future<std::vector<bookings::Booking>> fut = boost::asio::co_spawn(
        ctx.blocking.executor(), ctx.bookings->batch_after(filter, after, kReportBatchRows), boost::asio::use_future);
    std::vector<bookings::Booking> batch = fut.get();
    if (batch.size() < static_cast<std::size_t>(kReportBatchRows)) done = true;
    if (!batch.empty()) after = bookings::Cursor{batch.back().starts_at, batch.back().id};
    rows.reserve(batch.size());
    for (const auto& b : batch) rows.push_back(row_from(b));
    return rows;
  }
};

void warn_if_unreadable(const std::string& font, const char* var) {
  if (::access(font.c_str(), R_OK) != 0) spdlog::warn("{} {} is not readable: PDF routes will answer 500", var, font);
}

}  // namespace

BookingDocuments::BookingDocuments(AppContext& ctx)
    : ctx_(ctx),
      slots_(ctx.pdf_slots),
      fonts_{ctx.config.pdf_font, ctx.config.pdf_font_bold},
      wait_(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::duration<double>(ctx.config.pdf_wait_s))) {
  warn_if_unreadable(ctx.config.pdf_font, "KEEL_PDF_FONT");
  warn_if_unreadable(ctx.config.pdf_font_bold, "KEEL_PDF_FONT_BOLD");
}

awaitable<AsyncSemaphore::Permit> BookingDocuments::slot() {
  std::optional<AsyncSemaphore::Permit> p = co_await slots_.acquire(wait_);
  if (!p) {
    Headers h;
    h.set("Retry-After", "5");
    throw HttpError(503, "too many PDF renderings in progress, retry later", h);
  }
  co_return std::move(*p);
}

awaitable<storage::OpenedFile> BookingDocuments::confirmation(const bookings::Booking& b) {
  AsyncSemaphore::Permit permit = co_await slot();
  const BookingRow row = row_from(b);
  const std::string issued_on = today_utc();
  const std::string tmp_dir = ctx_.storage.tmp_dir();
  // The job refers to this frame (suspended until it is done) through
  // pointers only: see the g++ 12 note in services/db/pool.hpp.
  const BookingRow* rowp = &row;
  const std::string* issuedp = &issued_on;
  const std::string* dirp = &tmp_dir;
  const Fonts* fontsp = &fonts_;
  auto job = [rowp, issuedp, dirp, fontsp] {
    TrimWhenDone trim;
    return render_to_unlinked_file(
        *dirp, [&](const std::string& path) { render_confirmation(*rowp, *issuedp, path, *fontsp); });
  };
  storage::OpenedFile f = co_await run_blocking(ctx_.blocking, job);
  permit.release();  // rendering done; sending needs no slot
  co_return f;
}

awaitable<storage::OpenedFile> BookingDocuments::report(const bookings::ListFilter& filter) {
  AsyncSemaphore::Permit permit = co_await slot();
  const ReportMeta meta{"Bookings report", filter_summary(filter), format_minute_utc(std::time(nullptr))};
  const std::string tmp_dir = ctx_.storage.tmp_dir();
  AppContext* ctxp = &ctx_;
  const bookings::ListFilter* filterp = &filter;
  const ReportMeta* metap = &meta;
  const std::string* dirp = &tmp_dir;
  const Fonts* fontsp = &fonts_;
  auto job = [ctxp, filterp, metap, dirp, fontsp] {
    TrimWhenDone trim;  // declared first: runs after the batches and the document are freed
    BatchSource source{*ctxp, *filterp, std::nullopt};
    ReportStats stats;
    storage::OpenedFile f = render_to_unlinked_file(
        *dirp, [&](const std::string& path) { stats = render_report(std::ref(source), *metap, path, *fontsp); });
    spdlog::debug("pdf report: {} bookings, {} pages, {} bytes", stats.rows, stats.pages, f.size);
    return f;
  };
  storage::OpenedFile f = co_await run_blocking(ctx_.blocking, job);
  permit.release();
  co_return f;
}

}  // namespace keel::pdf
