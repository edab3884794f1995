#include "routers/availability.hpp"

#include "http/text/iso_datetime.hpp"
#include "routers/conditional.hpp"
#include "routers/schemas.hpp"
#include "services/catalogue/availability.hpp"
#include "services/catalogue/json_parts.hpp"
#include "services/crypto/sha256.hpp"

#include <charconv>

#include <algorithm>
#include <chrono>

namespace keel {

namespace {

constexpr int kMaxDays = 31;

[[noreturn]] void bad_query(const char* field, std::string msg, const char* type) {
  throw validation_error({ValidationIssue{{"query", field}, std::move(msg), type}});
}

// The UTC instant of local midnight of `day` in `zone` (the first instant of
// the day when midnight itself does not exist).
std::int64_t day_start(const catalogue::Zone& zone, std::int32_t day) {
  const std::int64_t local = std::int64_t{day} * 86400;
  for (std::int64_t m = 0; m < 86400; m += 900)
    if (auto t = zone.to_utc(local + m)) return *t;
  return local - zone.offset_at(local);
}

std::string slot_text(std::int64_t utc, const catalogue::Zone& zone) {
  return text::format_iso_offset(utc, zone.offset_at(utc));
}

}  // namespace

void register_availability_routes(Router& router, AppContext& ctx) {
  using schemas::error_response;
  RouteSpec spec{.method = "GET",
                 .path = "/api/availability",
                 .summary = "Free start times of a service",
                 .description =
                     "The start times a booking of `duration` minutes can take between the dates `from` and `to` "
                     "(inclusive, at most 31 days) in the zone `tz`: the service's slot grid inside its opening hours "
                     "(in the business time zone), minus past times, closed dates, times beyond the booking horizon "
                     "and times whose booking (buffers included) would meet an existing one. Times carry the "
                     "offset of `tz`. The ETag changes when the service or any of its bookings changes; "
                     "`If-None-Match` -> 304.",
                 .tag = "bookings",
                 .operation_id = "get_availability",
                 .params = {
                     ParamSpec{.name = "service", .in = "query", .schema = {{"type", "string"}}, .required = true,
                               .description = "The service's slug"},
                     ParamSpec{.name = "from", .in = "query", .schema = {{"type", "string"}, {"format", "date"}},
                               .required = true, .description = "First day (YYYY-MM-DD, in `tz`)"},
                     ParamSpec{.name = "to", .in = "query", .schema = {{"type", "string"}, {"format", "date"}},
                               .required = true, .description = "Last day, inclusive (at most 30 days after `from`)"},
                     ParamSpec{.name = "tz", .in = "query", .schema = {{"type", "string"}}, .required = false,
                               .description = "IANA time zone of the days and the answer (default: the business's)"},
                     ParamSpec{.name = "duration", .in = "query", .schema = {{"type", "integer"}}, .required = false,
                               .description = "Minutes; one of the service's durations (default: its shortest)"},
                 }};
  spec.responses = {
      {200, "The free start times",
       {{"type", "object"},
        {"title", "Availability"},
        {"required", nlohmann::json::array({"service", "tz", "duration", "slots"})},
        {"properties",
         {{"service", {{"type", "string"}}},
          {"tz", {{"type", "string"}}},
          {"duration", {{"type", "integer"}}},
          {"slots", {{"type", "array"}, {"items", {{"type", "string"}, {"format", "date-time"}}}}}}}}},
      {304, "Not modified (If-None-Match)", nullptr},
      error_response(422, "Unknown or inactive service, bad dates, range over 31 days, unknown zone, duration not "
                          "offered"),
      error_response(503, "Database unavailable or busy")};
  router.add(spec, [&ctx](Request& req) -> awaitable<Response> {
    const std::string slug(req.query_param("service").value_or(""));
    if (slug.empty()) bad_query("service", "Field required", "missing");
    auto from_day = catalogue::parse_date(req.query_param("from").value_or(""));
    if (!from_day) bad_query("from", "Input should be a date (YYYY-MM-DD)", "date_parsing");
    auto to_day = catalogue::parse_date(req.query_param("to").value_or(""));
    if (!to_day) bad_query("to", "Input should be a date (YYYY-MM-DD)", "date_parsing");
    if (*to_day < *from_day) bad_query("to", "`to` is before `from`", "date_order");
    if (*to_day - *from_day + 1 > kMaxDays) bad_query("to", "At most 31 days per call", "range_too_long");
    std::optional<catalogue::Zone> zone = ctx.business_zone;
    if (auto tz = req.query_param("tz"); tz && !tz->empty()) {
      zone = catalogue::Zone::find(*tz);
      if (!zone) bad_query("tz", "Unknown time zone (an IANA name like Europe/Berlin)", "unknown_time_zone");
    }
    std::optional<int> duration;
    if (auto d = req.query_param("duration")) {
      int v = 0;
      auto [p, ec] = std::from_chars(d->data(), d->data() + d->size(), v);
      if (ec != std::errc() || p != d->data() + d->size() || v <= 0) bad_query("duration", "Input should be a positive integer", "int_parsing");
      duration = v;
    }
    const std::int64_t from_utc = day_start(*zone, *from_day);
    const std::int64_t to_utc = day_start(*zone, *to_day + 1);
    ctx.require_db();
    auto inputs = co_await ctx.bookings->availability_inputs(slug, from_utc, to_utc);
    if (!inputs || !inputs->service.active)
      throw validation_error({ValidationIssue{{"query", "service"}, "There is no active service '" + slug + "'",
                                              inputs ? "inactive_service" : "unknown_service"}});
    const catalogue::Service& s = inputs->service;
    const int minutes = duration.value_or(s.durations.empty() ? 0 : s.durations.front());
    if (std::find(s.durations.begin(), s.durations.end(), minutes) == s.durations.end())
      bad_query("duration", s.name + " is not offered for " + std::to_string(minutes) + " minutes", "duration_not_allowed");
    const std::int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    const catalogue::BookingLimits limits{.now = now, .horizon_days = static_cast<int>(ctx.config.booking_horizon_days)};
    const std::vector<std::int64_t> slots =
        catalogue::free_slots(s, ctx.business_zone, from_utc, to_utc, minutes, inputs->busy, limits);
    nlohmann::json times = nlohmann::json::array();
    for (std::int64_t t : slots) times.push_back(slot_text(t, *zone));
    const std::string body =
        nlohmann::json{{"service", s.slug}, {"tz", zone->name()}, {"duration", minutes}, {"slots", std::move(times)}}
            .dump();
    // The answer itself (so time passing a slot changes it) and the
    // service's versions (so any change to the service or its bookings does).
    const std::string etag = "\"" +
                             sha256_hex(body + "|" + s.updated_at + "|" + std::to_string(s.bookings_version))
                                 .substr(0, 32) +
                             "\"";
    co_return tagged_json(req, body, etag);
  });
}

}  // namespace keel
