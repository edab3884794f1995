#pragma once
// Configuration: KEEL_* environment variables, overridden by CLI flags,
// parsed once at start. A bad value is one clear line and exit code 2.
#include "services/config.hpp"

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace keel {

struct ConfigError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The command line after parsing: which command and the resulting config.
struct Invocation {
  std::string command = "serve";  // serve | migrate | sync-csv | help | version
  Config config;
  std::vector<std::string> args;                         // the command's operands (sync-csv: NAME FILE|-)
  std::map<std::string, std::string> command_options;    // the command's own flags (sync-csv: --delimiter ...)
};

// env: the environment as name -> value (tests pass their own). Throws
// ConfigError with a one-line message naming the variable or flag.
Invocation parse_invocation(const std::vector<std::string>& args, const std::map<std::string, std::string>& env);
std::map<std::string, std::string> environment_map();
std::string help_text();

}  // namespace keel
