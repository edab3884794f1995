#include "routers/dataset_schemas.hpp"

namespace keel::dataset_schemas {

using nlohmann::json;
using validation::Field;
using validation::Kind;

const validation::Model& page_query_model(bool with_feed) {
  static const std::vector<Field> paging = {
      Field{.name = "limit",
            .kind = Kind::integer,
            .required = false,
            .minimum = 1,
            .maximum = 1000,
            .description = "records per page (default 100)"},
      Field{.name = "offset",
            .kind = Kind::integer,
            .required = false,
            .minimum = 0,
            .description = "records to skip (default 0); past the end: an empty page"},
      Field{.name = "generation",
            .required = false,
            .description = "pin the read to this generation (from an earlier answer): 410 once it is removed"},
  };
  static const validation::Model records{"RecordsQuery", paging};
  static const validation::Model feed = [] {
    validation::Model m{"FetchDataQuery", paging};
    m.fields.push_back(Field{.name = "dataset",
                             .required = false,
                             .min_length = 1,
                             .max_length = 64,
                             .description = "dataset name (default KEEL_DATA_DEFAULT_DATASET)"});
    m.fields.push_back(Field{.name = "metadata_only",
                             .kind = Kind::boolean,
                             .required = false,
                             .description = "answer the dataset's metadata only, without records"});
    return m;
  }();
  return with_feed ? feed : records;
}

const validation::Model& sync_query_model() {
  static const validation::Model m{
      "SyncQuery",
      {
          Field{.name = "delimiter",
                .kind = Kind::enumeration,
                .required = false,
                .enum_values = {",", ";", "|", "tab", "\t"},
                .description = "field delimiter (default ,)"},
          Field{.name = "encoding",
                .required = false,
                .description = "utf-8 (default), windows-1252 / cp1252, latin-1 / iso-8859-1 (case-insensitive)"},
          Field{.name = "max_bad_rows",
                .kind = Kind::integer,
                .required = false,
                .minimum = 0,
                .maximum = 1000000000,
                .description = "bad rows skipped before the sync fails (default 1000)"},
      }};
  return m;
}

namespace {
json report_properties() {
  json error = {{"type", "object"},
                {"properties",
                 {{"line", {{"type", "integer"}}},
                  {"reason",
                   {{"type", "string"},
                    {"enum", json::array({"field_count", "invalid_utf8", "field_too_long", "unterminated_quote"})}}},
                  {"detail", {{"type", "string"}}}}}};
  return {{"dataset", {{"type", "string"}}},
          {"generation", {{"type", json::array({"string", "null"})}}},
          {"records", {{"type", "integer"}}},
          {"columns", {{"type", "array"}, {"items", {{"type", "string"}}}}},
          {"source", {{"type", "string"}}},
          {"source_bytes", {{"type", "integer"}}},
          {"source_sha256", {{"type", "string"}}},
          {"synced_at", {{"type", "string"}, {"format", "date-time"}}},
          {"seconds", {{"type", "number"}}},
          {"bad_rows", {{"type", "integer"}}},
          {"first_errors", {{"type", "array"}, {"items", error}}},
          {"source_etag",
           {{"type", "string"}, {"description", "the pulled source's ETag (data-sync only; sent as If-None-Match)"}}},
          {"source_last_modified",
           {{"type", "string"},
            {"description", "the pulled source's Last-Modified (data-sync only; sent as If-Modified-Since)"}}}};
}
}  // namespace

json page() {
  return {{"type", "object"},
          {"title", "DataPage"},
          {"required", json::array({"dataset", "generation", "count", "offset", "limit", "returned", "next_offset",
                                    "data"})},
          {"properties",
           {{"dataset", {{"type", "string"}}},
            {"generation", {{"type", "string"}}},
            {"count", {{"type", "integer"}, {"description", "records in the dataset"}}},
            {"offset", {{"type", "integer"}}},
            {"limit", {{"type", "integer"}}},
            {"returned", {{"type", "integer"}, {"description", "records in this page"}}},
            {"next_offset", {{"type", json::array({"integer", "null"})}, {"description", "null on the last page"}}},
            {"data",
             {{"type", "array"},
              {"items", {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}}}}}}}};
}

json meta() {
  json p = report_properties();
  p["count"] = {{"type", "integer"}, {"description", "records (metadata_only answers)"}};
  return {{"type", "object"}, {"title", "DatasetMeta"}, {"properties", p}};
}

json sync_report() { return {{"type", "object"}, {"title", "SyncReport"}, {"properties", report_properties()}}; }

json dataset_list() {
  return {{"type", "object"},
          {"title", "DatasetList"},
          {"properties", {{"datasets", {{"type", "array"}, {"items", meta()}}}}}};
}

ParamSpec name_param() {
  return ParamSpec{.name = "name",
                   .in = "path",
                   .schema = {{"type", "string"}, {"pattern", "^[a-z0-9][a-z0-9_-]{0,63}$"}},
                   .required = true,
                   .description = "dataset name"};
}

void raise_bad_name(const char* where, const char* param) {
  throw validation_error({ValidationIssue{{where, param},
                                          "String should match pattern '^[a-z0-9][a-z0-9_-]{0,63}$'",
                                          "string_pattern_mismatch"}});
}

}  // namespace keel::dataset_schemas
