#include "app/jobs.hpp"

#include "app/data_sync_job.hpp"
#include "app/report_job.hpp"
#include "app/test_routes.hpp"
#include "services/market/job.hpp"

#include <cstdlib>
#include <string_view>

namespace keel {

namespace {
[[maybe_unused]] jobs::Definition definition(const Config::JobConfig& c) {
  return jobs::Definition{.every = std::chrono::seconds(c.every_s),
                          .timeout = std::chrono::seconds(c.timeout_s),
                          .at_start = c.at_start};
}
}  // namespace

void register_jobs(AppContext& ctx) {
  // The real jobs join here as their bodies arrive, e.g.
  //   ctx.jobs->add("report", definition(ctx.config.job_report), report_body(ctx));
  ctx.jobs->add("report", definition(ctx.config.job_report), report_job(ctx));
  ctx.jobs->add("market", definition(ctx.config.job_market), market::job_body(ctx));
  ctx.jobs->add("data-sync", definition(ctx.config.job_data_sync), data_sync_job(ctx));
#ifdef KEEL_TEST_ROUTES
  if (const char* t = std::getenv("KEEL_ENABLE_TEST_ROUTES"); t && std::string_view(t) == "1") register_test_jobs(ctx);
#endif
}

}  // namespace keel
