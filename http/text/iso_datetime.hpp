#pragma once
// ISO 8601 date-times as the API sends and accepts them.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace keel::text {

// "2026-12-01T09:30:00+01:00", "...Z", "...-0230", fractional seconds
// allowed -> seconds since the epoch, UTC. require_offset=false also accepts
// no offset (UTC) and a bare date ("2026-12-01", midnight UTC), for filters.
std::optional<std::int64_t> parse_iso_datetime(std::string_view s, bool require_offset = true);

// "2026-12-01T08:30:00Z"
std::string format_iso_utc(std::int64_t epoch_seconds);
// The same instant as wall time at a UTC offset: "2026-12-01T09:30:00+01:00"
// (offset +3600 s; whole minutes).
std::string format_iso_offset(std::int64_t epoch_seconds, int offset_seconds);

// RFC 3339 UTC with milliseconds: "2026-12-03T14:29:03.123Z".
std::string format_iso_utc_ms(std::int64_t epoch_milliseconds);

}  // namespace keel::text
