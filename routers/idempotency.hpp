#pragma once
// Idempotency-Key on a mutation, as Stripe does it: a client that retries a
// request after a timeout gets the first answer again instead of a second
// booking. Rows live in MariaDB (services/idempotency), so a retry that
// lands on another keel instance is answered the same.
//
//   no Idempotency-Key                 -> the handler, as without this wrapper
//   a key not 1-255 visible ASCII      -> 422, loc ["header", "Idempotency-Key"]
//   new key (per credential scope)     -> the handler runs; a 2xx or 4xx answer
//                                         (returned or thrown) is stored for
//                                         KEEL_IDEMPOTENCY_TTL_H; 5xx, 429 and
//                                         failures are not: the key is freed
//   same key, same request, answered   -> the stored status, Content-Type,
//                                         Location and body, with
//                                         Idempotent-Replayed: true
//   same key, same request, running    -> 409 "request with this Idempotency-Key in progress"
//   same key, another request          -> 422 (method, path, credential and body SHA-256 differ)
// A run whose process died is taken over after 60 s (rules.hpp).
#include "http/router.hpp"
#include "services/context.hpp"

#include <functional>
#include <string>
#include <string_view>

namespace keel {

inline constexpr std::string_view kIdempotencyKeyHeader = "Idempotency-Key";
inline constexpr std::string_view kIdempotentReplayedHeader = "Idempotent-Replayed";

// The scope a booking request's key lives in: the SHA-256 of the manage
// token or admin key it carries, "anonymous" when it carries none.
std::string booking_credential_scope(const Request& req);

// Runs `handler` under the request's Idempotency-Key, if it has one. Reads
// the body (at most the route's cap) to hash it, and hands it on to the
// handler, which reads it as usual.
awaitable<Response> idempotent(Request& req, AppContext& ctx, std::string_view credential_scope,
                               std::function<awaitable<Response>()> handler);

// A booking route's handler under idempotent(), in booking_credential_scope:
//   router.add(spec, idempotent_booking_route(ctx, [&ctx](Request& req) -> awaitable<Response> {...}));
Handler idempotent_booking_route(AppContext& ctx, Handler handler);

// Documents the above on a route: the Idempotency-Key header parameter,
// Idempotent-Replayed on its 2xx answers, the 409 and 422 it adds.
void document_idempotency(RouteSpec& spec);

}  // namespace keel
