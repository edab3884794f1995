#pragma once
// `keel sync-csv NAME FILE|-`: one sync from a file or stdin, also while a
// server shares the data folder (the dataset's lock is a file lock).
#include "app/config.hpp"

namespace keel {

// Prints the sync report as one JSON line on stdout. Exit codes: 0 synced,
// 1 the sync failed (the report, generation null, on stdout and the reason
// on stderr), 2 a bad argument.
int run_sync_csv(const Invocation& inv);

}  // namespace keel
