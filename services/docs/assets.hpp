#pragma once
// The files of the interactive API docs (Swagger UI, ReDoc), which
// scripts/docs-assets installs from the pinned npm packages in
// docs/package.json: where they are, and a token that changes with them.
#include <string>
#include <vector>

namespace keel {

// Where the assets are looked for when KEEL_DOCS_ASSETS_DIR is empty, first
// match wins (a folder holding swagger-ui-bundle.js): <dir of the
// executable>/../docs/assets (a build folder inside the source tree), <dir
// of the executable>/docs/assets, <dir of the executable>/../share/keel/
// docs/assets (an installed layout), ./docs/assets, and the source tree keel
// was compiled from.
std::vector<std::string> docs_assets_candidates();
// The configured folder if set (even when it is missing: then nothing is
// found), else the first candidate that holds the assets; empty when none.
std::string find_docs_assets_dir(const std::string& configured);
// Changes whenever an asset file in `dir` changes (size, mtime): the pages
// ask for /docs/assets/x?v=<token>, so assets can be cached for a year.
// "none" for an empty dir.
std::string docs_assets_token(const std::string& dir);

}  // namespace keel
