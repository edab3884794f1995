#pragma once
#include "services/context.hpp"
#include "http/router.hpp"

namespace keel {
// POST /api/uploads, POST /api/uploads/audio, GET|HEAD|DELETE /api/uploads/{id}.
void register_upload_routes(Router& router, AppContext& ctx);
}  // namespace keel
