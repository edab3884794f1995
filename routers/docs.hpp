#pragma once
// Interactive API docs, as FastAPI serves them:
//   GET /openapi.json          the OpenAPI 3.1 document of every route
//   GET /docs                  Swagger UI
//   GET /redoc                 ReDoc
//   GET /docs/assets/{path}    their JS/CSS, served by keel itself (never a
//                              CDN): installed by scripts/docs-assets from
//                              the pinned npm packages in docs/package.json
//                              (services/docs/assets finds them)
// None of them is registered when KEEL_DOCS=0; none is in the document.
#include "http/router.hpp"
#include "services/context.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace keel {

// Register LAST: the document is generated once, here, from the routes
// registered so far, and kept serialized.
void register_docs_routes(Router& router, AppContext& ctx);

// The document /openapi.json serves for these routes (title, version,
// security schemes, tags); warnings: metadata the generator had to fix.
nlohmann::json openapi_document(const Router& router, std::vector<std::string>* warnings = nullptr);

}  // namespace keel
