#include "http/json_body.hpp"

#include "http/body_cap.hpp"
#include "http/text/ascii.hpp"

#include <algorithm>
#include <vector>

namespace keel {

namespace {

using json = nlohmann::json;

constexpr std::size_t kMaxDepth = 32;
// The most heap one value takes in nlohmann::json (measured: 176 bytes for an
// object member holding an empty object; a scalar in an array takes 16 to 48
// as the array grows), its characters aside.
constexpr std::uint64_t kValueBytes = 192;
// What any body may take beyond its own size: small bodies count more than
// they weigh (a 200-byte booking is ~1.5 KiB of values).
constexpr std::uint64_t kSlackBytes = 16 * 1024;

// Builds the document from nlohmann's SAX events as its own DOM builder does
// (the last of duplicate keys wins), but stops the parse at a container past
// kMaxDepth or a value past the size budget. Strings and keys are moved out of
// the lexer instead of copied.
class BoundedDomBuilder {
 public:
  enum class Outcome { built, too_deep, too_large, invalid };

  BoundedDomBuilder(json& root, std::uint64_t budget) : root_(root), budget_(budget) { stack_.reserve(kMaxDepth); }

  bool null() { return add(nullptr); }
  bool boolean(bool v) { return add(v); }
  bool number_integer(json::number_integer_t v) { return add(v); }
  bool number_unsigned(json::number_unsigned_t v) { return add(v); }
  bool number_float(json::number_float_t v, const json::string_t&) { return add(v); }
  bool string(json::string_t& v) { return charge(v.size()) && add(std::move(v)); }
  bool binary(json::binary_t& v) { return charge(v.size()) && add(std::move(v)); }  // not from JSON text
  bool start_object(std::size_t) { return open(json::value_t::object); }
  bool start_array(std::size_t) { return open(json::value_t::array); }
  bool key(json::string_t& k) {
    if (!charge(k.size())) return false;
    key_ = std::move(k);
    return true;
  }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool parse_error(std::size_t position, const std::string&, const json::exception& e) {
    outcome_ = Outcome::invalid;
    error_offset_ = position > 0 ? position - 1 : 0;
    // "[json.exception.parse_error.101] parse error at line 1, column 9: syntax error ..." -> "syntax error ..."
    std::string_view what = e.what();
    if (auto colon = what.find(": "); colon != std::string_view::npos)
      what.remove_prefix(colon + 2);
    else if (auto id = what.find("] "); id != std::string_view::npos)
      what.remove_prefix(id + 2);
    error_ = what;
    return false;
  }

  Outcome outcome() const { return outcome_; }
  std::size_t error_offset() const { return error_offset_; }
  const std::string& error() const { return error_; }

 private:
  bool charge(std::uint64_t bytes) {
    if (bytes > budget_) {
      outcome_ = Outcome::too_large;
      return false;
    }
    budget_ -= bytes;
    return true;
  }

  template <class V>
  json* place(V&& v) {
    if (stack_.empty()) {
      root_ = json(std::forward<V>(v));
      return &root_;
    }
    json& parent = *stack_.back();
    if (parent.is_array()) return &parent.get_ref<json::array_t&>().emplace_back(std::forward<V>(v));
    json& slot = parent.get_ref<json::object_t&>()[std::move(key_)];
    slot = json(std::forward<V>(v));
    return &slot;
  }

  template <class V>
  bool add(V&& v) {
    if (!charge(kValueBytes)) return false;
    place(std::forward<V>(v));
    return true;
  }

  bool open(json::value_t kind) {
    if (stack_.size() == kMaxDepth) {
      outcome_ = Outcome::too_deep;
      return false;
    }
    if (!charge(kValueBytes)) return false;
    stack_.push_back(place(kind));
    return true;
  }

  bool close() {
    stack_.pop_back();
    return true;
  }

  json& root_;
  std::uint64_t budget_;
  std::vector<json*> stack_;  // the open containers, outermost first
  json::string_t key_;        // of the object member whose value comes next
  Outcome outcome_ = Outcome::built;
  std::size_t error_offset_ = 0;
  std::string error_;
};

}  // namespace

bool is_json_content_type(std::string_view ct) {
  const std::string_view media = text::trim(ct.substr(0, ct.find(';')));
  if (text::iequals(media, "application/json")) return true;
  return media.size() > 5 && text::iequals(media.substr(media.size() - 5), "+json") &&
         media.find('/') != std::string_view::npos;
}

json parse_json_body(std::string_view text, std::uint64_t min_budget) {
  json doc;
  BoundedDomBuilder builder(doc, std::max<std::uint64_t>(text.size() + kSlackBytes, min_budget));
  if (json::sax_parse(text, &builder)) return doc;
  switch (builder.outcome()) {
    case BoundedDomBuilder::Outcome::too_deep:
      throw validation_error({ValidationIssue{
          {"body"}, "JSON nested deeper than " + std::to_string(kMaxDepth) + " levels", "json_too_deep"}});
    case BoundedDomBuilder::Outcome::too_large:
      throw validation_error({ValidationIssue{
          {"body"},
          "JSON document too large: more values than a body of " + std::to_string(text.size()) + " bytes may hold",
          "json_too_large"}});
    default:
      // Located like FastAPI does: ["body", <byte offset>].
      throw validation_error({ValidationIssue{{"body", static_cast<std::int64_t>(builder.error_offset())},
                                              "JSON decode error: " + builder.error(),
                                              "json_invalid"}});
  }
}

awaitable<json> read_json_body(Request& req, std::uint64_t cap, std::uint64_t min_budget) {
  auto ct = req.header("Content-Type");
  if (!ct || !is_json_content_type(*ct)) throw HttpError(415, "Content-Type must be application/json");
  std::string text = co_await read_body_capped(req, body_cap(req, cap));
  co_return parse_json_body(text, min_budget);
}

}  // namespace keel
