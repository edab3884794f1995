// keel: parse configuration, then serve (or migrate) until told to stop.
#include "app/config.hpp"
#include "app/lifespan.hpp"
#include "app/logging.hpp"
#include "app/sync_cli.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <iostream>

int main(int argc, char** argv) {
  keel::Invocation inv;
  try {
    std::vector<std::string> args(argv + 1, argv + argc);
    inv = keel::parse_invocation(args, keel::environment_map());
  } catch (const keel::ConfigError& e) {
    std::fprintf(stderr, "keel: %s\n", e.what());
    return 2;
  }
  if (inv.command == "help") {
    std::cout << keel::help_text();
    return 0;
  }
  if (inv.command == "version") {
    std::cout << "keel " << KEEL_VERSION << "\n";
    return 0;
  }
  keel::init_logging(inv.config.log_level, inv.config.log_format);
  if (inv.command == "migrate") return keel::run_migrate(inv.config);
  if (inv.command == "sync-csv") return keel::run_sync_csv(inv);
  return keel::run_server(inv.config);
}
