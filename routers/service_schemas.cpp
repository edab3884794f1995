#include "routers/service_schemas.hpp"

#include "http/validation.hpp"
#include "services/catalogue/json_parts.hpp"
#include "services/catalogue/slug.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <set>
#include <string>

namespace keel::service_schemas {

using nlohmann::json;
using validation::Field;
using validation::Kind;
using Issues = std::vector<ValidationIssue>;
using Loc = std::vector<json>;

namespace {

constexpr std::size_t kMaxDurations = 48;
constexpr int kMinDuration = 5;
constexpr int kMaxMinutes = 1440;  // a day: the longest duration, buffer and slot step
constexpr std::size_t kMaxIntervalsPerDay = 24;
constexpr std::size_t kMaxClosedDates = 366;
constexpr int kDefaultSlotStep = 15;

constexpr const char* kSlugPattern = "^[a-z0-9][a-z0-9-]{0,63}$";
constexpr const char* kTimePattern = "^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$";

// The plain fields: one definition validates them and documents them. The
// slug and the list fields are checked below (the model has no patterns,
// lists or objects); forbid_extra is ours too, for the same reason.
const validation::Model& scalar_model() {
  static const validation::Model m{
      "ServiceCreate",
      {
          Field{.name = "name",
                .min_length = 1,
                .max_length = 120,
                .description = "What customers see",
                .example = "Massage"},
          Field{.name = "description", .required = false, .max_length = 2000, .example = "Swedish massage"},
          Field{.name = "buffer_before_min",
                .kind = Kind::integer,
                .required = false,
                .minimum = 0,
                .maximum = kMaxMinutes,
                .description = "Minutes kept free before each booking (default 0)",
                .example = 0},
          Field{.name = "buffer_after_min",
                .kind = Kind::integer,
                .required = false,
                .minimum = 0,
                .maximum = kMaxMinutes,
                .description = "Minutes kept free after each booking (default 0)",
                .example = 15},
          Field{.name = "slot_step_min",
                .kind = Kind::integer,
                .required = false,
                .minimum = 5,
                .maximum = kMaxMinutes,
                .description = "Start times are every this many minutes from each opening time (default 15)",
                .example = 30},
          Field{.name = "active",
                .kind = Kind::boolean,
                .required = false,
                .description = "Bookable and listed by GET /api/services (default true)"},
      },
      false};
  return m;
}

const std::set<std::string>& known_fields() {
  static const std::set<std::string> s = {
      "slug",          "name",   "description",   "durations",   "buffer_before_min", "buffer_after_min",
      "slot_step_min", "active", "opening_hours", "closed_dates"};
  return s;
}

Loc at(Loc loc, json more) {
  loc.push_back(std::move(more));
  return loc;
}

std::string items(std::size_t n) { return std::to_string(n) + (n == 1 ? " item" : " items"); }

// A list's type and length; false when its items should not be looked at.
bool check_list(const json& v, const Loc& loc, std::size_t min, std::size_t max, const char* what, Issues& out) {
  if (!v.is_array()) {
    out.push_back({loc, "Input should be a valid list", "list_type"});
    return false;
  }
  if (v.size() < min) {
    out.push_back({loc,
                   std::string(what) + " should have at least " + items(min) + " after validation, not " +
                       std::to_string(v.size()),
                   "too_short"});
    return false;
  }
  if (v.size() > max) {
    out.push_back({loc,
                   std::string(what) + " should have at most " + items(max) + " after validation, not " +
                       std::to_string(v.size()),
                   "too_long"});
    return false;
  }
  return true;
}

void check_slug(const json& body, catalogue::Service& s, Issues& out) {
  const Loc loc{"body", "slug"};
  auto it = body.find("slug");
  if (it == body.end()) {
    out.push_back({loc, "Field required", "missing"});
  } else if (!it->is_string()) {
    out.push_back({loc, "Input should be a valid string", "string_type"});
  } else if (!catalogue::valid_slug(it->get_ref<const std::string&>())) {
    out.push_back({loc, std::string("String should match pattern '") + kSlugPattern + "'", "string_pattern_mismatch"});
  } else {
    s.slug = it->get<std::string>();
  }
}

void check_durations(const json& v, catalogue::Service& s, Issues& out) {
  const Loc loc{"body", "durations"};
  if (!check_list(v, loc, 1, kMaxDurations, "List", out)) return;
  std::set<int> seen;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const json& d = v[i];
    if (!d.is_number_integer()) {
      out.push_back({at(loc, i), "Input should be a valid integer", "int_type"});
      continue;
    }
    const std::int64_t n = d.is_number_unsigned() && d.get<std::uint64_t>() > std::numeric_limits<std::int64_t>::max()
                               ? std::numeric_limits<std::int64_t>::max()
                               : d.get<std::int64_t>();
    if (n < kMinDuration) {
      out.push_back({at(loc, i), "Input should be greater than or equal to " + std::to_string(kMinDuration),
                     "greater_than_equal"});
    } else if (n > kMaxMinutes) {
      out.push_back(
          {at(loc, i), "Input should be less than or equal to " + std::to_string(kMaxMinutes), "less_than_equal"});
    } else if (!seen.insert(static_cast<int>(n)).second) {
      out.push_back({at(loc, i), "Value error, " + std::to_string(n) + " minutes is listed twice", "value_error"});
    }
  }
  s.durations.assign(seen.begin(), seen.end());
}

// One end of an opening interval; nothing (and an issue) when it is not a time.
std::optional<int> check_time(const json& v, const Loc& loc, Issues& out) {
  if (!v.is_string()) {
    out.push_back({loc, "Input should be a valid string", "string_type"});
    return std::nullopt;
  }
  auto t = catalogue::parse_hhmm(v.get_ref<const std::string&>());
  if (!t) out.push_back({loc, "Input should be a time HH:MM from 00:00 to 24:00", "time_parsing"});
  return t;
}

void check_day(const json& v, const Loc& loc, catalogue::DayHours& day, Issues& out) {
  if (!check_list(v, loc, 0, kMaxIntervalsPerDay, "List", out)) return;
  int last_close = 0;  // the latest close so far: the next interval may not open before it
  for (std::size_t i = 0; i < v.size(); ++i) {
    const Loc iloc = at(loc, i);
    const json& pair = v[i];
    if (!check_list(pair, iloc, 2, 2, "Tuple", out)) continue;
    auto open = check_time(pair[0], at(iloc, 0), out);
    auto close = check_time(pair[1], at(iloc, 1), out);
    if (!open || !close) continue;
    if (*open >= *close) {
      out.push_back({iloc,
                     "Value error, opens at " + pair[0].get<std::string>() + " but closes at " +
                         pair[1].get<std::string>() + ": it must open before it closes",
                     "value_error"});
    } else if (*open < last_close) {
      out.push_back({iloc, "Value error, the day's intervals must be in order and must not overlap", "value_error"});
    } else {
      day.push_back(catalogue::Interval{*open, *close});
    }
    last_close = std::max(last_close, *close);
  }
}

void check_opening_hours(const json& v, catalogue::Service& s, Issues& out) {
  const Loc loc{"body", "opening_hours"};
  if (!v.is_object()) {
    out.push_back({loc, "Input should be a valid dictionary", "dict_type"});
    return;
  }
  for (std::size_t d = 0; d < 7; ++d) {
    const std::string key(catalogue::kWeekdayKeys[d]);
    if (auto it = v.find(key); it != v.end()) check_day(*it, at(loc, key), s.opening_hours[d], out);
  }
  for (auto it = v.begin(); it != v.end(); ++it)
    if (std::find(catalogue::kWeekdayKeys.begin(), catalogue::kWeekdayKeys.end(), it.key()) ==
        catalogue::kWeekdayKeys.end())
      out.push_back({at(loc, it.key()), "Extra inputs are not permitted", "extra_forbidden"});
}

void check_closed_dates(const json& v, catalogue::Service& s, Issues& out) {
  const Loc loc{"body", "closed_dates"};
  if (!check_list(v, loc, 0, kMaxClosedDates, "List", out)) return;
  std::set<std::int32_t> seen;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_string()) {
      out.push_back({at(loc, i), "Input should be a valid string", "string_type"});
      continue;
    }
    const std::string& text = v[i].get_ref<const std::string&>();
    auto day = catalogue::parse_date(text);
    if (!day)
      out.push_back({at(loc, i), "Input should be a valid date in the format YYYY-MM-DD", "date_parsing"});
    else if (!seen.insert(*day).second)
      out.push_back({at(loc, i), "Value error, " + text + " is listed twice", "value_error"});
  }
  s.closed_days.assign(seen.begin(), seen.end());
}

json time_schema() { return {{"type", "string"}, {"pattern", kTimePattern}, {"examples", json::array({"09:00"})}}; }

json day_schema() {
  return {{"type", "array"},
          {"maxItems", kMaxIntervalsPerDay},
          {"description", "Opening intervals [open, close) of the day in KEEL_BUSINESS_TZ, in order, not overlapping"},
          {"items",
           {{"type", "array"},
            {"prefixItems", json::array({time_schema(), time_schema()})},
            {"minItems", 2},
            {"maxItems", 2}}}};
}

// The properties of a service as a body gives them and an answer shows them.
json properties() {
  json props = scalar_model().json_schema()["properties"];
  props["slug"] = {{"type", "string"},
                   {"pattern", kSlugPattern},
                   {"description", "How bookings (their `service`) and URLs name the service"},
                   {"examples", json::array({"massage-60"})}};
  props["durations"] = {{"type", "array"},
                        {"items", {{"type", "integer"}, {"minimum", kMinDuration}, {"maximum", kMaxMinutes}}},
                        {"minItems", 1},
                        {"maxItems", kMaxDurations},
                        {"uniqueItems", true},
                        {"description", "The booking lengths offered, in minutes"},
                        {"examples", json::array({json::array({30, 60})})}};
  json days = json::object();
  for (auto key : catalogue::kWeekdayKeys) days[std::string(key)] = day_schema();
  props["opening_hours"] = {{"type", "object"},
                            {"properties", days},
                            {"additionalProperties", false},
                            {"description", "Per weekday, local times in KEEL_BUSINESS_TZ; \"24:00\" is midnight"},
                            {"examples", json::array({{{"mon", json::array({json::array({"09:00", "17:00"})})},
                                                       {"sat", json::array({json::array({"10:00", "14:00"})})},
                                                       {"sun", json::array()}}})}};
  props["closed_dates"] = {{"type", "array"},
                           {"items", {{"type", "string"}, {"format", "date"}}},
                           {"maxItems", kMaxClosedDates},
                           {"uniqueItems", true},
                           {"description", "Local dates the service is closed all day"},
                           {"examples", json::array({json::array({"2026-12-25"})})}};
  return props;
}

json body_schema(const char* title, json required, const char* description) {
  return {{"type", "object"},
          {"title", title},
          {"description", description},
          {"properties", properties()},
          {"required", std::move(required)},
          {"additionalProperties", false}};
}

}  // namespace

json to_json(const catalogue::Service& s) {
  return {{"slug", s.slug},
          {"name", s.name},
          {"description", s.description},
          {"durations", catalogue::durations_json(s.durations)},
          {"buffer_before_min", s.buffer_before_min},
          {"buffer_after_min", s.buffer_after_min},
          {"slot_step_min", s.slot_step_min},
          {"active", s.active},
          {"opening_hours", catalogue::opening_hours_json(s.opening_hours)},
          {"closed_dates", catalogue::closed_dates_json(s.closed_days)}};
}

json service_schema() {
  json props = properties();
  for (auto& [name, p] : props.items()) {
    p.erase("examples");
    if (name == "opening_hours") p["required"] = catalogue::kWeekdayKeys;
  }
  json required = json::array();
  for (const auto& name : known_fields()) required.push_back(name);
  return {{"type", "object"}, {"title", "Service"}, {"properties", props}, {"required", required}};
}

json list_schema() {
  return {{"type", "object"},
          {"title", "ServiceList"},
          {"properties", {{"services", {{"type", "array"}, {"items", service_schema()}}}}},
          {"required", json::array({"services"})}};
}

json create_schema() {
  return body_schema("ServiceCreate", json::array({"slug", "name", "durations", "opening_hours"}),
                     "A new service. A day left out of opening_hours is closed.");
}

json patch_schema() {
  return body_schema("ServicePatch", json::array(),
                     "The fields to change. In opening_hours, a day left out keeps its hours. The slug cannot change.");
}

Checked check_create(const json& body) {
  Checked c;
  c.issues = scalar_model().validate(body);
  if (!body.is_object()) return c;  // the model said so
  catalogue::Service& s = c.service;
  check_slug(body, s, c.issues);
  if (auto it = body.find("durations"); it != body.end())
    check_durations(*it, s, c.issues);
  else
    c.issues.push_back({{"body", "durations"}, "Field required", "missing"});
  if (auto it = body.find("opening_hours"); it != body.end())
    check_opening_hours(*it, s, c.issues);
  else
    c.issues.push_back({{"body", "opening_hours"}, "Field required", "missing"});
  if (auto it = body.find("closed_dates"); it != body.end()) check_closed_dates(*it, s, c.issues);
  for (auto it = body.begin(); it != body.end(); ++it)
    if (!known_fields().count(it.key()))
      c.issues.push_back({{"body", it.key()}, "Extra inputs are not permitted", "extra_forbidden"});
  if (!c.issues.empty()) return c;

  s.name = body["name"].get<std::string>();
  s.description = body.value("description", std::string());
  s.buffer_before_min = body.value("buffer_before_min", 0);
  s.buffer_after_min = body.value("buffer_after_min", 0);
  s.slot_step_min = body.value("slot_step_min", kDefaultSlotStep);
  s.active = body.value("active", true);
  return c;
}

Checked check_patch(const catalogue::Service& stored, const json& patch) {
  if (!patch.is_object()) return check_create(patch);  // the same "not an object" issue
  Issues slug_issues;
  json merged = to_json(stored);
  for (auto it = patch.begin(); it != patch.end(); ++it) {
    if (it.key() == "slug") {
      if (!it->is_string() || it->get_ref<const std::string&>() != stored.slug)
        slug_issues.push_back({{"body", "slug"}, "Value error, the slug cannot be changed", "value_error"});
    } else if (it.key() == "opening_hours" && it->is_object()) {
      for (auto day = it->begin(); day != it->end(); ++day) merged["opening_hours"][day.key()] = *day;
    } else {
      merged[it.key()] = *it;
    }
  }
  Checked c = check_create(merged);
  c.issues.insert(c.issues.begin(), slug_issues.begin(), slug_issues.end());
  return c;
}

}  // namespace keel::service_schemas
