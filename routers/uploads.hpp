#pragma once
#include "http/router.hpp"
#include "services/context.hpp"

namespace keel {
// POST /api/uploads, POST /api/uploads/audio, GET|HEAD|DELETE /api/uploads/{id}.
void register_upload_routes(Router& router, AppContext& ctx);
}  // namespace keel
