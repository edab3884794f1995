#pragma once
// The market snapshot and the decisions around serving it, as pure
// functions: the stored document, its age, whether it is stale, its ETag and
// how long a client may cache it (GET /api/market-indices, the market job).
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace keel::market {

inline constexpr const char* kRedisKey = "keel:market:latest";
inline constexpr std::uint64_t kMaxBodyBytes = 1u << 20;  // of the upstream's body, after content decoding

// One snapshot as this process holds it: the stored document
// {"fetched_at","source","data"} and what serving it needs, computed once.
struct Snapshot {
  std::string document;
  std::int64_t fetched_at_s = 0;  // Unix seconds
  std::string digest;             // sha256 of the document, hex
};

// The document for `data` (already validated JSON, stored as sent):
// {"fetched_at":"<RFC 3339 UTC ms>","source":"<source>","data":<data>}.
std::string make_document(std::int64_t fetched_at_ms, std::string_view source, std::string_view data);

// A snapshot of `data` fetched now: its document (make_document) and digest.
std::shared_ptr<const Snapshot> make_snapshot(std::int64_t fetched_at_ms, std::string_view source,
                                              std::string_view data);

// A snapshot from a document this or another keel stored; nullptr when it is
// no object or has no RFC 3339 "fetched_at" (found without building the
// document's tree: parsing stops there, its first member as make_document
// writes it).
std::shared_ptr<const Snapshot> read_snapshot(std::string document);

// Whole seconds since the fetch (0 for a clock that went back).
std::int64_t age_seconds(std::int64_t now_s, std::int64_t fetched_at_s);

// Stale: older than two intervals, the job off (every_s 0: nothing refreshes
// it here), or served from this process's copy because Redis could not give one.
bool is_stale(std::int64_t age_s, std::uint32_t every_s, bool from_local_copy);

// Cache-Control max-age: whole seconds until the next run (rounded up), 0
// when none is planned or it is due.
std::int64_t max_age_seconds(std::chrono::system_clock::time_point now,
                             std::optional<std::chrono::system_clock::time_point> next_run);

// A weak ETag of the snapshot and its staleness: unchanged while the snapshot
// is, however age_s moves (the body differs in age_s alone, hence weak).
std::string etag(const Snapshot& s, bool stale);

// The answer's body: the document with "age_s" and "stale" added.
std::string response_body(const Snapshot& s, std::int64_t age_s, bool stale);

}  // namespace keel::market
