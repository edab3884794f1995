#include "app/data_sync_job.hpp"

#include "http/client/fetch_url.hpp"
#include "services/datafeed/pull.hpp"

#include <spdlog/spdlog.h>

namespace keel {

namespace {
datafeed::PullRequest pull_request(const Config& c) {
  datafeed::PullRequest r;
  r.url = c.data_source_url;
  r.dataset = c.data_source_dataset;
  r.sync.csv.delimiter = c.data_source_delimiter;
  r.sync.csv.encoding = datafeed::parse_encoding(c.data_source_encoding).value();  // validated by app/config
  r.sync.csv.max_field_bytes = c.csv_max_field_bytes;
  r.sync.max_source_bytes = c.max_sync_bytes;
  r.sync.min_free_disk_bytes = c.min_free_disk_bytes;
  r.ca_file = c.http_ca_file;
  r.total_timeout = std::chrono::seconds(c.job_data_sync.timeout_s);
  return r;
}
}  // namespace

jobs::Body data_sync_job(AppContext& ctx) {
  return [&ctx](jobs::JobRun& run) -> awaitable<void> {
    const std::string& dataset = ctx.config.data_source_dataset;
    const datafeed::PullResult r =
        co_await datafeed::pull_dataset(ctx.datasets, ctx.blocking, ctx.sync_slots, pull_request(ctx.config), run.stop);
    if (r.not_modified) {
      spdlog::info("data-sync: {} not modified, dataset {} unchanged",
                   url_without_credentials(ctx.config.data_source_url), dataset);
    } else {
      spdlog::info("data-sync: dataset {} synced: generation {}, {} records, {} bad rows", dataset,
                   r.report.value("generation", ""), r.report.value("records", 0), r.report.value("bad_rows", 0));
    }
  };
}

}  // namespace keel
