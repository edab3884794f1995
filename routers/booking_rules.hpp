#pragma once
// The catalogue's rules as the booking routes apply them: the business zone
// and horizon from the configuration, violations as FastAPI-shaped 422s.
#include "http/http.hpp"
#include "services/context.hpp"

namespace keel {
// check_booking with the business zone, KEEL_BOOKING_HORIZON_DAYS and the
// time of the call (judged on the service row the transaction locked).
bookings::RuleCheck booking_rules(const AppContext& ctx);
// 422 {"detail":[{"loc":["body", field], "msg", "type"}]}.
[[noreturn]] void raise_violation(const catalogue::Violation& v);
// 422 for a `service` the catalogue does not know (loc ["body","service"]).
[[noreturn]] void raise_unknown_service(const std::string& name);
}  // namespace keel
