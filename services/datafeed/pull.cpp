#include "services/datafeed/pull.hpp"

#include "http/client/fetch.hpp"
#include "http/client/fetch_url.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <exception>
#include <optional>
#include <utility>
#include <vector>

namespace keel::datafeed {

namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

// The previous pull's validators, when the current generation came from this
// same source (another URL's ETag says nothing about this one).
Headers conditional_headers(const Generation* current, const std::string& source) {
  Headers h;
  if (!current || !current->meta.is_object() || current->meta.value("source", "") != source) return h;
  const auto& m = current->meta;
  if (auto it = m.find("source_etag"); it != m.end() && it->is_string())
    h.emplace_back("If-None-Match", it->get<std::string>());
  if (auto it = m.find("source_last_modified"); it != m.end() && it->is_string())
    h.emplace_back("If-Modified-Since", it->get<std::string>());
  return h;
}

// One fetch on an io_context of this thread's own: the body sink may block
// (it feeds the sync), which only this thread waits for. `stop` cancels it.
FetchResult fetch_here(FetchRequest request, const std::stop_token& stop) {
  boost::asio::io_context io;
  boost::asio::cancellation_signal cancel;
  std::optional<FetchResult> result;
  std::exception_ptr error;
  auto done = [&result, &error](std::exception_ptr e, FetchResult r) {
    if (e) {
      error = e;
    } else {
      result = std::move(r);
    }
  };
  boost::asio::co_spawn(io, fetch(std::move(request)), boost::asio::bind_cancellation_slot(cancel.slot(), done));
  // Runs on the thread that asks to stop; the signal belongs to io's thread.
  std::stop_callback on_stop(stop, [&io, &cancel] {
    boost::asio::post(io, [&cancel] { cancel.emit(boost::asio::cancellation_type::terminal); });
  });
  io.run();
  if (error) std::rethrow_exception(error);
  return std::move(*result);
}

PullResult pull(DatasetStore& store, ConcurrencyLimit& slots, const PullRequest& req, const std::stop_token& stop) {
  SyncOptions options = req.sync;
  options.source = url_without_credentials(req.url);
  options.gzip = false;  // the client inflates a gzip body itself
  options.source_etag.reset();
  options.source_last_modified.reset();
  // The dataset's lock first (409), then a sync slot (429), as a PUT does.
  CsvSync sync(store, req.dataset, options);
  auto slot = slots.try_acquire();
  if (!slot) throw SyncError(429, {{"detail", "too many syncs in progress"}});

  FetchRequest f;
  f.url = req.url;
  // Read under the lock: no other sync can switch the generation meanwhile.
  const auto current = store.current(req.dataset);
  f.headers = conditional_headers(current.get(), options.source);
  const bool conditional = !f.headers.empty();
  f.ca_file = req.ca_file;
  f.total_timeout = req.total_timeout;
  f.max_body_bytes = options.max_source_bytes;  // a longer Content-Length is refused before the body
  f.on_body = [&sync](std::string_view piece) { sync.feed(piece); };
  const FetchResult r = fetch_here(std::move(f), stop);
  if (stop.stop_requested()) throw std::runtime_error("stopped");

  if (r.status == 304) {
    if (!conditional) throw PullError("data source answered 304 to an unconditional request");
    return PullResult{.not_modified = true, .report = nullptr};  // the sync goes: its temp folder with it
  }
  if (!r.ok()) {
    std::string what = "data source answered " + std::to_string(r.status);
    if (!r.reason.empty()) what += " " + r.reason;
    throw PullError(what);
  }
  sync.set_source_validators(r.header("ETag"), r.header("Last-Modified"));
  return PullResult{.not_modified = false, .report = sync.finish()};
}

}  // namespace

awaitable<PullResult> pull_dataset(DatasetStore& store, BlockingPool& blocking, ConcurrencyLimit& slots,
                                   PullRequest req, std::stop_token stop) {
  auto work = [&store, &slots, &req, &stop] { return pull(store, slots, req, stop); };
  co_return co_await run_blocking(blocking, std::move(work));
}

}  // namespace keel::datafeed
