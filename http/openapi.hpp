#pragma once
// The OpenAPI 3.1 document, generated from the registered routes and their
// metadata (RouteSpec), the way FastAPI builds app.openapi(). Pure: no I/O,
// no logging; what it had to fix or leave out is reported in `warnings`.
#include "http/router.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

namespace keel::openapi {

struct Info {
  std::string title = "keel";
  std::string version;  // keel's version (KEEL_VERSION)
  std::string summary;
  std::string description;
  // components.securitySchemes: name -> Security Scheme Object. Operations
  // may only name these.
  nlohmann::json security_schemes = nlohmann::json::object();
  // Descriptions of tags, in the order they should be listed; tags used by
  // routes and missing here are appended in order of first use.
  std::vector<std::pair<std::string, std::string>> tags;
  // The 422 body added to routes that validate input and document no 422
  // themselves; null: FastAPI's HTTPValidationError shape.
  nlohmann::json validation_error_schema;
};

// FastAPI's HTTPValidationError schema: the shape of every 422 keel sends.
nlohmann::json validation_error_schema();

// "/api/bookings/{id:int}" -> "/api/bookings/{id}".
std::string openapi_path(const std::string& route_template);

// Builds the document from every route with include_in_schema. Routes whose
// metadata is incomplete get FastAPI's defaults: a response description from
// the status' reason phrase, a 200 "Successful Response" when no response is
// documented, undocumented path parameters typed from the template, a 422
// validation error for routes that validate input (typed path parameters,
// query parameters, JSON bodies), an operationId from method and path.
// Object schemas with a "title" are moved to components/schemas and
// referenced, as FastAPI does with its models.
// warnings (optional): one line per problem fixed or item left out.
nlohmann::json document(const Router& router, const Info& info, std::vector<std::string>* warnings = nullptr);

}  // namespace keel::openapi
