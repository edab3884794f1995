// The service catalogue's JSON: what a POST or PATCH body may hold (each rule
// a 422 at its loc), the Service a client sees, and the parts' text forms
// (times, dates) the columns store too.
#include "routers/service_schemas.hpp"
#include "services/catalogue/json_parts.hpp"
#include "services/catalogue/slug.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace keel;
using nlohmann::json;

namespace {

// A day's intervals as JSON: [["09:00","12:00"], ...] (a braced list of
// pairs would read as an object).
json day(std::vector<std::pair<std::string, std::string>> intervals) {
  json out = json::array();
  for (auto& [open, close] : intervals) out.push_back(json::array({open, close}));
  return out;
}

json valid_body() {
  return {
      {"slug", "massage-60"},
      {"name", "Massage"},
      {"durations", {60, 30}},
      {"opening_hours", {{"mon", day({{"09:00", "12:00"}, {"13:00", "17:00"}})}, {"sat", day({{"10:00", "24:00"}})}}},
      {"closed_dates", {"2026-12-26", "2026-12-25"}}};
}

std::string locs(const std::vector<ValidationIssue>& issues) {
  std::string s;
  for (const auto& i : issues) s += i.to_json().dump() + "\n";
  return s;
}

// `body` with `path` (a JSON pointer) set to `value`, or removed when value is
// the string "<removed>".
json with(json body, const std::string& path, json value) {
  json::json_pointer p(path);
  if (value == "<removed>")
    body[p.parent_pointer()].erase(p.back());
  else
    body[p] = std::move(value);
  return body;
}

}  // namespace

TEST(ServiceSchemas, ValidBodyBecomesTheServiceWithDefaults) {
  auto c = service_schemas::check_create(valid_body());
  ASSERT_TRUE(c.issues.empty()) << locs(c.issues);
  const auto& s = c.service;
  EXPECT_EQ(s.slug, "massage-60");
  EXPECT_EQ(s.name, "Massage");
  EXPECT_EQ(s.description, "");
  EXPECT_EQ(s.durations, (std::vector<int>{30, 60}));  // ascending
  EXPECT_EQ(s.buffer_before_min, 0);
  EXPECT_EQ(s.buffer_after_min, 0);
  EXPECT_EQ(s.slot_step_min, 15);
  EXPECT_TRUE(s.active);
  EXPECT_EQ(s.opening_hours[0], (catalogue::DayHours{{540, 720}, {780, 1020}}));
  EXPECT_EQ(s.opening_hours[5], (catalogue::DayHours{{600, 1440}}));
  for (int d : {1, 2, 3, 4, 6}) EXPECT_TRUE(s.opening_hours[d].empty()) << "a day left out is closed: " << d;
  ASSERT_EQ(s.closed_days.size(), 2u);
  EXPECT_EQ(catalogue::format_date(s.closed_days[0]), "2026-12-25");  // ascending
  EXPECT_EQ(catalogue::format_date(s.closed_days[1]), "2026-12-26");
}

TEST(ServiceSchemas, EachRuleIs422AtItsLoc) {
  struct Case {
    json body;
    json loc;
    std::string type;
  };
  const json b = valid_body();
  const Case cases[] = {
      {json::array(), {"body"}, "model_attributes_type"},
      {with(b, "/slug", "<removed>"), {"body", "slug"}, "missing"},
      {with(b, "/slug", 7), {"body", "slug"}, "string_type"},
      {with(b, "/slug", "Massage"), {"body", "slug"}, "string_pattern_mismatch"},
      {with(b, "/slug", "-massage"), {"body", "slug"}, "string_pattern_mismatch"},
      {with(b, "/slug", "mass age"), {"body", "slug"}, "string_pattern_mismatch"},
      {with(b, "/slug", ""), {"body", "slug"}, "string_pattern_mismatch"},
      {with(b, "/slug", std::string(65, 'a')), {"body", "slug"}, "string_pattern_mismatch"},
      {with(b, "/name", "<removed>"), {"body", "name"}, "missing"},
      {with(b, "/name", ""), {"body", "name"}, "string_too_short"},
      {with(b, "/name", std::string(121, 'n')), {"body", "name"}, "string_too_long"},
      {with(b, "/description", std::string(2001, 'd')), {"body", "description"}, "string_too_long"},
      {with(b, "/durations", "<removed>"), {"body", "durations"}, "missing"},
      {with(b, "/durations", 30), {"body", "durations"}, "list_type"},
      {with(b, "/durations", json::array()), {"body", "durations"}, "too_short"},
      {with(b, "/durations", json(std::vector<int>(49, 30))), {"body", "durations"}, "too_long"},
      {with(b, "/durations", {30, "60"}), {"body", "durations", 1}, "int_type"},
      {with(b, "/durations", {30, 60.5}), {"body", "durations", 1}, "int_type"},
      {with(b, "/durations", {4}), {"body", "durations", 0}, "greater_than_equal"},
      {with(b, "/durations", {30, 1441}), {"body", "durations", 1}, "less_than_equal"},
      {with(b, "/durations", {30, 60, 30}), {"body", "durations", 2}, "value_error"},
      {with(b, "/buffer_before_min", -1), {"body", "buffer_before_min"}, "greater_than_equal"},
      {with(b, "/buffer_before_min", 1441), {"body", "buffer_before_min"}, "less_than_equal"},
      {with(b, "/buffer_after_min", "5"), {"body", "buffer_after_min"}, "int_type"},
      {with(b, "/buffer_after_min", 1441), {"body", "buffer_after_min"}, "less_than_equal"},
      {with(b, "/slot_step_min", 4), {"body", "slot_step_min"}, "greater_than_equal"},
      {with(b, "/slot_step_min", 1441), {"body", "slot_step_min"}, "less_than_equal"},
      {with(b, "/active", "yes"), {"body", "active"}, "bool_type"},
      {with(b, "/opening_hours", "<removed>"), {"body", "opening_hours"}, "missing"},
      {with(b, "/opening_hours", json::array()), {"body", "opening_hours"}, "dict_type"},
      {with(b, "/opening_hours/monday", json::array()), {"body", "opening_hours", "monday"}, "extra_forbidden"},
      {with(b, "/opening_hours/tue", "09:00-17:00"), {"body", "opening_hours", "tue"}, "list_type"},
      {with(b, "/opening_hours/tue", json(std::vector<json>(25, json::array({"09:00", "10:00"})))),
       {"body", "opening_hours", "tue"},
       "too_long"},
      {with(b, "/opening_hours/tue", json::array({"09:00"})), {"body", "opening_hours", "tue", 0}, "list_type"},
      {with(b, "/opening_hours/tue", json::array({json::array({"09:00"})})),
       {"body", "opening_hours", "tue", 0},
       "too_short"},
      {with(b, "/opening_hours/tue", json::array({json::array({"09:00", "12:00", "17:00"})})),
       {"body", "opening_hours", "tue", 0},
       "too_long"},
      {with(b, "/opening_hours/tue", day({{"9:00", "12:00"}})), {"body", "opening_hours", "tue", 0, 0}, "time_parsing"},
      {with(b, "/opening_hours/tue", day({{"09:00", "24:01"}})),
       {"body", "opening_hours", "tue", 0, 1},
       "time_parsing"},
      {with(b, "/opening_hours/tue", day({{"09:60", "12:00"}})),
       {"body", "opening_hours", "tue", 0, 0},
       "time_parsing"},
      {with(b, "/opening_hours/tue", json::array({json::array({"09:00", 1200})})),
       {"body", "opening_hours", "tue", 0, 1},
       "string_type"},
      {with(b, "/opening_hours/tue", day({{"12:00", "09:00"}})), {"body", "opening_hours", "tue", 0}, "value_error"},
      {with(b, "/opening_hours/tue", day({{"09:00", "09:00"}})), {"body", "opening_hours", "tue", 0}, "value_error"},
      {with(b, "/opening_hours/tue", day({{"24:00", "24:00"}})), {"body", "opening_hours", "tue", 0}, "value_error"},
      {with(b, "/opening_hours/tue", day({{"13:00", "17:00"}, {"09:00", "12:00"}})),
       {"body", "opening_hours", "tue", 1},
       "value_error"},
      {with(b, "/opening_hours/tue", day({{"09:00", "13:00"}, {"12:00", "17:00"}})),
       {"body", "opening_hours", "tue", 1},
       "value_error"},
      {with(b, "/closed_dates", "2026-12-25"), {"body", "closed_dates"}, "list_type"},
      {with(b, "/closed_dates", json(std::vector<std::string>(367, "2026-12-25"))),
       {"body", "closed_dates"},
       "too_long"},
      {with(b, "/closed_dates", {"2026-02-29"}), {"body", "closed_dates", 0}, "date_parsing"},
      {with(b, "/closed_dates", {"2026-12-25T00:00:00Z"}), {"body", "closed_dates", 0}, "date_parsing"},
      {with(b, "/closed_dates", {"25.12.2026"}), {"body", "closed_dates", 0}, "date_parsing"},
      {with(b, "/closed_dates", {20261225}), {"body", "closed_dates", 0}, "string_type"},
      {with(b, "/closed_dates", {"2026-12-25", "2026-12-25"}), {"body", "closed_dates", 1}, "value_error"},
      {with(b, "/id", 1), {"body", "id"}, "extra_forbidden"},
  };
  for (const auto& c : cases) {
    auto checked = service_schemas::check_create(c.body);
    ASSERT_EQ(checked.issues.size(), 1u) << c.body.dump() << "\n" << locs(checked.issues);
    EXPECT_EQ(json(checked.issues[0].loc), c.loc) << c.body.dump();
    EXPECT_EQ(checked.issues[0].type, c.type) << c.body.dump();
    EXPECT_FALSE(checked.issues[0].msg.empty());
  }
}

TEST(ServiceSchemas, EdgesThatAreValid) {
  const json b = valid_body();
  const json cases[] = {
      with(b, "/slug", "0"),
      with(b, "/slug", std::string(64, 'a')),
      with(b, "/slug", "a-"),
      with(b, "/durations", {5, 1440}),
      with(b, "/durations",
           json(std::vector<int>{5,   10,  15,  20,  25,  30,  35,  40,  45,  50,  55,  60,  65,  70,  75,  80,
                                 85,  90,  95,  100, 105, 110, 115, 120, 125, 130, 135, 140, 145, 150, 155, 160,
                                 165, 170, 175, 180, 185, 190, 195, 200, 205, 210, 215, 220, 225, 230, 235, 240})),
      with(b, "/opening_hours/tue", day({{"00:00", "24:00"}})),
      with(b, "/opening_hours/tue", day({{"09:00", "12:00"}, {"12:00", "17:00"}})),  // touching is not overlapping
      with(b, "/opening_hours/tue", json::array()),
      with(b, "/opening_hours", json::object()),
      with(b, "/closed_dates", json::array()),
      with(b, "/closed_dates", {"2028-02-29"}),
      with(with(with(b, "/buffer_before_min", 1440), "/buffer_after_min", 0), "/slot_step_min", 5),
      with(with(b, "/active", false), "/description", std::string(2000, 'd')),
  };
  for (const auto& body : cases) {
    auto c = service_schemas::check_create(body);
    EXPECT_TRUE(c.issues.empty()) << body.dump() << "\n" << locs(c.issues);
  }
}

TEST(ServiceSchemas, JsonIsTheContractAndRoundTrips) {
  json body = valid_body();
  body["description"] = "Zoë's \"deep\" massage";
  body["buffer_before_min"] = 10;
  body["buffer_after_min"] = 5;
  body["slot_step_min"] = 30;
  body["active"] = false;
  auto c = service_schemas::check_create(body);
  ASSERT_TRUE(c.issues.empty()) << locs(c.issues);
  json out = service_schemas::to_json(c.service);

  std::vector<std::string> keys;
  for (const auto& [k, v] : out.items()) keys.push_back(k);
  EXPECT_EQ(keys,
            (std::vector<std::string>{"active", "buffer_after_min", "buffer_before_min", "closed_dates", "description",
                                      "durations", "name", "opening_hours", "slot_step_min", "slug"}));
  EXPECT_EQ(out["durations"], json({30, 60}));
  EXPECT_EQ(out["closed_dates"], json({"2026-12-25", "2026-12-26"}));
  EXPECT_EQ(out["opening_hours"], json({{"mon", day({{"09:00", "12:00"}, {"13:00", "17:00"}})},
                                        {"tue", json::array()},
                                        {"wed", json::array()},
                                        {"thu", json::array()},
                                        {"fri", json::array()},
                                        {"sat", day({{"10:00", "24:00"}})},
                                        {"sun", json::array()}}));
  EXPECT_EQ(out["active"], false);
  EXPECT_EQ(out["description"], "Zoë's \"deep\" massage");

  // Its own answer is a valid body describing the same service.
  auto again = service_schemas::check_create(out);
  ASSERT_TRUE(again.issues.empty()) << locs(again.issues);
  EXPECT_EQ(service_schemas::to_json(again.service), out);
}

TEST(ServiceSchemas, PatchMergesOntoTheStoredServiceThenChecksTheWhole) {
  auto stored = service_schemas::check_create(valid_body()).service;

  auto c = service_schemas::check_patch(stored, {{"name", "Massage deluxe"},
                                                 {"slug", "massage-60"},
                                                 {"opening_hours", {{"tue", day({{"10:00", "11:00"}})}}},
                                                 {"active", false}});
  ASSERT_TRUE(c.issues.empty()) << locs(c.issues);
  EXPECT_EQ(c.service.name, "Massage deluxe");
  EXPECT_FALSE(c.service.active);
  EXPECT_EQ(c.service.opening_hours[0], stored.opening_hours[0]) << "a day left out keeps its hours";
  EXPECT_EQ(c.service.opening_hours[1], (catalogue::DayHours{{600, 660}}));
  EXPECT_EQ(c.service.durations, stored.durations);
  EXPECT_EQ(c.service.closed_days, stored.closed_days);

  auto closed = service_schemas::check_patch(stored, {{"opening_hours", {{"mon", json::array()}}}});
  ASSERT_TRUE(closed.issues.empty());
  EXPECT_TRUE(closed.service.opening_hours[0].empty());

  EXPECT_TRUE(service_schemas::check_patch(stored, json::object()).issues.empty());

  struct Case {
    json patch;
    json loc;
    std::string type;
  };
  const Case cases[] = {
      {{{"slug", "other"}}, {"body", "slug"}, "value_error"},
      {{{"slug", nullptr}}, {"body", "slug"}, "value_error"},
      {{{"name", ""}}, {"body", "name"}, "string_too_short"},
      {{{"description", nullptr}}, {"body", "description"}, "string_type"},
      {{{"durations", json::array()}}, {"body", "durations"}, "too_short"},
      {{{"opening_hours", {{"tue", day({{"17:00", "09:00"}})}}}}, {"body", "opening_hours", "tue", 0}, "value_error"},
      {{{"opening_hours", {{"holiday", json::array()}}}}, {"body", "opening_hours", "holiday"}, "extra_forbidden"},
      {{{"opening_hours", "always"}}, {"body", "opening_hours"}, "dict_type"},
      {{{"closed_dates", {"2026-13-01"}}}, {"body", "closed_dates", 0}, "date_parsing"},
      {{{"bookings_version", 3}}, {"body", "bookings_version"}, "extra_forbidden"},
      {json::array(), {"body"}, "model_attributes_type"},
  };
  for (const auto& k : cases) {
    auto checked = service_schemas::check_patch(stored, k.patch);
    ASSERT_EQ(checked.issues.size(), 1u) << k.patch.dump() << "\n" << locs(checked.issues);
    EXPECT_EQ(json(checked.issues[0].loc), k.loc) << k.patch.dump();
    EXPECT_EQ(checked.issues[0].type, k.type) << k.patch.dump();
  }
}

TEST(ServiceSchemas, SchemasDocumentTheRules) {
  json create = service_schemas::create_schema();
  EXPECT_EQ(create["title"], "ServiceCreate");
  EXPECT_EQ(create["additionalProperties"], false);
  EXPECT_EQ(create["required"], json({"slug", "name", "durations", "opening_hours"}));
  EXPECT_EQ(create["properties"]["slug"]["pattern"], "^[a-z0-9][a-z0-9-]{0,63}$");
  EXPECT_EQ(create["properties"]["durations"]["maxItems"], 48);
  EXPECT_EQ(create["properties"]["closed_dates"]["maxItems"], 366);
  EXPECT_EQ(create["properties"]["opening_hours"]["properties"].size(), 7u);
  EXPECT_TRUE(service_schemas::patch_schema()["required"].empty());
  json service = service_schemas::service_schema();
  EXPECT_EQ(service["required"].size(), 10u);
  EXPECT_EQ(service["properties"]["opening_hours"]["required"].size(), 7u);
}

TEST(CatalogueJsonParts, TimesOfDay) {
  struct Case {
    const char* text;
    std::optional<int> minutes;
  };
  const Case cases[] = {{"00:00", 0},
                        {"09:30", 570},
                        {"23:59", 1439},
                        {"24:00", 1440},
                        {"24:01", std::nullopt},
                        {"25:00", std::nullopt},
                        {"12:60", std::nullopt},
                        {"9:30", std::nullopt},
                        {"09:3", std::nullopt},
                        {"09.30", std::nullopt},
                        {"", std::nullopt},
                        {"09:30 ", std::nullopt},
                        {"+9:30", std::nullopt},
                        {"0a:00", std::nullopt}};
  for (const auto& c : cases) EXPECT_EQ(catalogue::parse_hhmm(c.text), c.minutes) << c.text;
  for (int m : {0, 5, 570, 1439, 1440}) EXPECT_EQ(catalogue::parse_hhmm(catalogue::format_hhmm(m)), m);
  EXPECT_EQ(catalogue::format_hhmm(1440), "24:00");
}

TEST(CatalogueJsonParts, Dates) {
  EXPECT_EQ(catalogue::parse_date("1970-01-01"), 0);
  EXPECT_EQ(catalogue::parse_date("1970-01-02"), 1);
  EXPECT_EQ(catalogue::parse_date("1969-12-31"), -1);
  EXPECT_EQ(catalogue::parse_date("2026-12-25"), 20812);
  for (const char* bad : {"2026-02-29", "2026-04-31", "2026-13-01", "2026-12-25Z", "2026-12-25T00:00:00Z", "26-12-25",
                          "2026/12/25", "", "2026-1-05"})
    EXPECT_FALSE(catalogue::parse_date(bad)) << bad;
  for (const char* d : {"2026-12-25", "2028-02-29", "1999-01-01", "2100-12-31"})
    EXPECT_EQ(catalogue::format_date(*catalogue::parse_date(d)), d);
}

TEST(CatalogueJsonParts, StoredTextReadsBackAndMalformedTextThrows) {
  std::array<catalogue::DayHours, 7> hours;
  hours[2] = {{0, 600}, {660, 1440}};
  EXPECT_EQ(catalogue::opening_hours_from(catalogue::opening_hours_json(hours)), hours);
  EXPECT_EQ(catalogue::closed_dates_from(catalogue::closed_dates_json({1, 20812})),
            (std::vector<std::int32_t>{1, 20812}));
  EXPECT_EQ(catalogue::durations_from(json::parse("[15,30]")), (std::vector<int>{15, 30}));
  EXPECT_THROW(catalogue::opening_hours_from(json::parse(R"({"mon":[["9","17:00"]]})")), std::runtime_error);
  EXPECT_THROW(catalogue::closed_dates_from(json::parse(R"(["x"])")), std::runtime_error);
  EXPECT_THROW(catalogue::durations_from(json::parse(R"({})")), std::runtime_error);
}

TEST(CatalogueSlug, Pattern) {
  for (const char* ok : {"a", "0", "massage", "a-b", "a-b-2", "a-", "x1-y2"})
    EXPECT_TRUE(catalogue::valid_slug(ok)) << ok;
  EXPECT_TRUE(catalogue::valid_slug(std::string(64, 'z')));
  for (const char* bad : {"", "-a", "A", "a_b", "a b", "ä", "a.b", "a/b"})
    EXPECT_FALSE(catalogue::valid_slug(bad)) << bad;
  EXPECT_FALSE(catalogue::valid_slug(std::string(65, 'z')));
}
