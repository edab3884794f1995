#pragma once
#include "app/context.hpp"
#include "app/router.hpp"

namespace keel {
// POST /api/uploads, POST /api/uploads/audio, GET|HEAD|DELETE /api/uploads/{id}.
void register_upload_routes(Router& router, AppContext& ctx);
}  // namespace keel
