#include "services/reports/job.hpp"

#include "services/reports/html.hpp"
#include "services/reports/report_file.hpp"

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <memory>

namespace keel::reports {

namespace {
struct Stopped : std::runtime_error {
  Stopped() : std::runtime_error("report stopped") {}
};

// The file and its renderer; the file goes (unlinked) with this.
struct Render {
  explicit Render(const std::string& tmp_dir) : file(tmp_dir), html([this](std::string_view s) { file.write(s); }) {}
  ReportFile file;
  HtmlReport html;
};
}  // namespace

boost::asio::awaitable<void> run_report(Repository& repo, BlockingPool& blocking, const JobOptions& options,
                                        jobs::JobRun& run) {
  const auto started = std::chrono::steady_clock::now();
  const std::int64_t to =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::int64_t from = to - kFirstPeriod;
  if (std::optional<std::int64_t> last = co_await repo.last_period_to()) from = std::min(*last, to);
  const Summary summary = co_await repo.summarize(from, to);

  // Created, written and removed on the blocking pool; if an exception or a
  // cancellation unwinds this frame first, the destructor removes the file.
  std::shared_ptr<Render> render;
  auto open = [&options, &summary, &render] {
    render = std::make_shared<Render>(options.tmp_dir);
    render->html.begin(summary);
  };
  co_await run_blocking(blocking, std::move(open));

  std::int64_t after = 0;
  Render* r = render.get();
  for (;;) {
    if (run.stop_requested()) throw Stopped();
    Repository::PageUse use = [r](const std::vector<bookings::Booking>& rows) { r->html.rows(rows); };
    const std::size_t n = co_await repo.page(from, to, after, options.page_rows, std::move(use), &after);
    if (n < static_cast<std::size_t>(options.page_rows)) break;
    if (options.page_pause.count() > 0) {
      boost::asio::steady_timer pause(co_await boost::asio::this_coro::executor, options.page_pause);
      co_await pause.async_wait(boost::asio::use_awaitable);
    }
  }
  if (run.stop_requested()) throw Stopped();

  Rendered done;
  auto finish = [r, &done] {
    r->html.end();
    done = r->file.finish();
  };
  co_await run_blocking(blocking, std::move(finish));

  NewReport row{.period_from = from,
                .period_to = to,
                .bytes = done.bytes,
                .stored_bytes = done.stored_bytes,
                .sha256 = done.sha256,
                .body_path = done.path,
                .started = started,
                .max_packet = options.max_packet};
  std::exception_ptr failed;
  try {
    co_await repo.insert(std::move(row));
  } catch (...) {
    failed = std::current_exception();
  }
  auto remove = [&render] { render.reset(); };
  co_await run_blocking(blocking, std::move(remove));
  if (failed) std::rethrow_exception(failed);
  co_await repo.prune(options.keep);
}

}  // namespace keel::reports
