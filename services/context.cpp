#include "services/context.hpp"

namespace keel {

void AppContext::require_db() const {
  if (!db || !schema_current.load()) {
    Headers h;
    h.set("Retry-After", "5");
    throw HttpError(503, "database schema not current", h);
  }
}

}  // namespace keel
