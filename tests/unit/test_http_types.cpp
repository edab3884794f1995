#include "http/http.hpp"
#include "http/json_body.hpp"
#include "middleware/error_catcher.hpp"
#include "middleware/request_id.hpp"

#include <gtest/gtest.h>

using namespace keel;

TEST(Headers, CaseInsensitiveSetAddRemove) {
  Headers h;
  h.add("Content-Type", "a");
  EXPECT_EQ(h.get("content-type").value_or(""), "a");
  h.set("CONTENT-TYPE", "b");
  EXPECT_EQ(h.fields().size(), 1u);
  EXPECT_EQ(h.get("Content-Type").value_or(""), "b");
  h.add("Vary", "x");
  h.remove("vary");
  EXPECT_FALSE(h.has("Vary"));
}

TEST(ErrorShapes, HttpErrorRendersDetailAndHeaders) {
  Headers extra;
  extra.set("Retry-After", "5");
  Response r = render_http_error(HttpError(503, "database busy", extra));
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(std::get<std::string>(r.body), R"({"detail":"database busy"})");
  EXPECT_EQ(r.headers.get("Retry-After").value_or(""), "5");
  EXPECT_EQ(r.headers.get("Content-Type").value_or(""), "application/json");
}

TEST(ErrorShapes, ValidationErrorIsFastApiShaped) {
  auto e = validation_error(
      {{{"body", "email"}, "value is not a valid email address", "value_error"},
       {{"body", "duration_minutes"}, "Input should be greater than or equal to 15", "greater_than_equal"}});
  EXPECT_EQ(e.status, 422);
  Response r = render_http_error(e);
  auto j = nlohmann::json::parse(std::get<std::string>(r.body));
  ASSERT_EQ(j["detail"].size(), 2u);
  EXPECT_EQ(j["detail"][0]["loc"], nlohmann::json::array({"body", "email"}));
  EXPECT_EQ(j["detail"][0]["msg"], "value is not a valid email address");
  EXPECT_EQ(j["detail"][0]["type"], "value_error");
  EXPECT_EQ(j["detail"][1]["loc"][1], "duration_minutes");
}

TEST(ErrorShapes, ResponseHelpers) {
  EXPECT_EQ(std::get<std::string>(Response::error(404, "Not Found").body), R"({"detail":"Not Found"})");
  EXPECT_EQ(Response::json(200, {{"a", 1}}).body_size(), 7u);
  EXPECT_EQ(reason_phrase(431), "Request Header Fields Too Large");
  EXPECT_EQ(reason_phrase(416), "Range Not Satisfiable");
}

TEST(JsonBody, ContentTypeRecognition) {
  EXPECT_TRUE(is_json_content_type("application/json"));
  EXPECT_TRUE(is_json_content_type("application/json; charset=utf-8"));
  EXPECT_TRUE(is_json_content_type("Application/JSON"));
  EXPECT_TRUE(is_json_content_type("application/merge-patch+json"));
  EXPECT_FALSE(is_json_content_type("text/plain"));
  EXPECT_FALSE(is_json_content_type("application/jsonx"));
  EXPECT_FALSE(is_json_content_type("+json"));
}

TEST(RequestId, Validation) {
  EXPECT_TRUE(valid_request_id("a"));
  EXPECT_TRUE(valid_request_id(std::string(128, 'z')));
  EXPECT_FALSE(valid_request_id(std::string(129, 'z')));
  EXPECT_FALSE(valid_request_id(""));
  EXPECT_FALSE(valid_request_id("a b"));
  EXPECT_FALSE(valid_request_id("a/b"));
  EXPECT_FALSE(valid_request_id("a\nb"));
  EXPECT_NE(new_request_id(), new_request_id());
  EXPECT_TRUE(valid_request_id(new_request_id()));
}
