#pragma once
// A service's slug: how bookings and URLs name it.
#include <string_view>

namespace keel::catalogue {

// [a-z0-9][a-z0-9-]{0,63}
bool valid_slug(std::string_view s);

}  // namespace keel::catalogue
