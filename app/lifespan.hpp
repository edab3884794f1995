#pragma once
// Startup and shutdown: memory tuning, temp sweep, database, server, signals.
#include "app/config.hpp"

namespace keel {
int run_server(const Config& cfg);  // returns the process exit code
int run_migrate(const Config& cfg);
void tune_malloc();
}  // namespace keel
