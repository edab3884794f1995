#include "routers/booking_rules.hpp"

#include <chrono>

namespace keel {

bookings::RuleCheck booking_rules(const AppContext& ctx) {
  const catalogue::Zone zone = ctx.business_zone;
  const int horizon = static_cast<int>(ctx.config.booking_horizon_days);
  return [zone, horizon](const catalogue::Service& s, std::int64_t starts_at, int minutes) {
    const std::int64_t now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    return catalogue::check_booking(s, zone, starts_at, minutes, {.now = now, .horizon_days = horizon});
  };
}

void raise_violation(const catalogue::Violation& v) {
  throw validation_error({ValidationIssue{{"body", v.field}, v.message, v.type}});
}

void raise_unknown_service(const std::string& name) {
  throw validation_error(
      {ValidationIssue{{"body", "service"}, "There is no service '" + name + "' in the catalogue", "unknown_service"}});
}

}  // namespace keel
