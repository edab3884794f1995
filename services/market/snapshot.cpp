#include "services/market/snapshot.hpp"

#include "http/text/iso_datetime.hpp"
#include "services/crypto/sha256.hpp"

#include <nlohmann/json.hpp>

namespace keel::market {

namespace {
using nlohmann::json;

// Reads "fetched_at" at the document's top level and stops there (the rest,
// up to 1 MiB of upstream data, is never built into a tree).
struct FetchedAtReader : json::json_sax_t {
  int depth = 0;
  bool at_key = false;
  std::optional<std::string> value;

  bool top_value() {  // a member value other than fetched_at's string
    at_key = false;
    return true;
  }
  bool null() override { return top_value(); }
  bool boolean(bool) override { return top_value(); }
  bool number_integer(number_integer_t) override { return top_value(); }
  bool number_unsigned(number_unsigned_t) override { return top_value(); }
  bool number_float(number_float_t, const string_t&) override { return top_value(); }
  bool string(string_t& s) override {
    if (at_key) {
      value = s;
      return false;  // found: stop parsing
    }
    return true;
  }
  bool binary(binary_t&) override { return top_value(); }
  bool start_object(std::size_t) override {
    at_key = false;
    ++depth;
    return true;
  }
  bool key(string_t& k) override {
    at_key = depth == 1 && k == "fetched_at";
    return true;
  }
  bool end_object() override {
    --depth;
    return true;
  }
  bool start_array(std::size_t) override {
    at_key = false;
    ++depth;
    return true;
  }
  bool end_array() override {
    --depth;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const json::exception&) override { return false; }
};
}  // namespace

std::string make_document(std::int64_t fetched_at_ms, std::string_view source, std::string_view data) {
  const std::string head = json{{"fetched_at", text::format_iso_utc_ms(fetched_at_ms)}}.dump();  // {"fetched_at":"..."}
  std::string out;
  out.reserve(head.size() + source.size() + data.size() + 32);
  out.append(head, 0, head.size() - 1);
  out += ",\"source\":";
  out += json(source).dump();
  out += ",\"data\":";
  out += data;
  out += '}';
  return out;
}

std::shared_ptr<const Snapshot> make_snapshot(std::int64_t fetched_at_ms, std::string_view source,
                                              std::string_view data) {
  auto s = std::make_shared<Snapshot>();
  s->document = make_document(fetched_at_ms, source, data);
  s->fetched_at_s = fetched_at_ms >= 0 ? fetched_at_ms / 1000 : -((-fetched_at_ms + 999) / 1000);
  s->digest = sha256_hex(s->document);
  return s;
}

std::shared_ptr<const Snapshot> read_snapshot(std::string document) {
  if (document.empty() || document.front() != '{' || document.back() != '}') return nullptr;
  FetchedAtReader reader;
  json::sax_parse(document, &reader);
  if (!reader.value) return nullptr;
  auto fetched_at = text::parse_iso_datetime(*reader.value);
  if (!fetched_at) return nullptr;
  auto s = std::make_shared<Snapshot>();
  s->digest = sha256_hex(document);
  s->document = std::move(document);
  s->fetched_at_s = *fetched_at;
  return s;
}

std::int64_t age_seconds(std::int64_t now_s, std::int64_t fetched_at_s) {
  return now_s > fetched_at_s ? now_s - fetched_at_s : 0;
}

bool is_stale(std::int64_t age_s, std::uint32_t every_s, bool from_local_copy) {
  if (from_local_copy || every_s == 0) return true;
  return age_s > 2 * static_cast<std::int64_t>(every_s);
}

std::int64_t max_age_seconds(std::chrono::system_clock::time_point now,
                             std::optional<std::chrono::system_clock::time_point> next_run) {
  if (!next_run || *next_run <= now) return 0;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(*next_run - now).count();
  return (ms + 999) / 1000;
}

std::string etag(const Snapshot& s, bool stale) {
  return "W/\"" + s.digest.substr(0, 32) + (stale ? "-stale" : "") + "\"";
}

std::string response_body(const Snapshot& s, std::int64_t age_s, bool stale) {
  // The document is an object ending in '}': the two members go before it.
  std::string out;
  const std::string tail = ",\"age_s\":" + std::to_string(age_s) + ",\"stale\":" + (stale ? "true" : "false") + "}";
  out.reserve(s.document.size() + tail.size());
  out.append(s.document, 0, s.document.empty() ? 0 : s.document.size() - 1);
  out += tail;
  return out;
}

}  // namespace keel::market
