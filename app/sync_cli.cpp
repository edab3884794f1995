#include "app/sync_cli.hpp"
#include "app/lifespan.hpp"
#include "services/datafeed/sync.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <system_error>

namespace keel {

namespace {

int usage_error(const std::string& message) {
  std::fprintf(stderr, "keel: sync-csv: %s\n", message.c_str());
  return 2;
}

void print(const nlohmann::json& report) {
  std::cout << report.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << std::endl;
}

int sync_failed(const nlohmann::json& report, const std::string& reason) {
  print(report);
  std::fprintf(stderr, "keel: sync-csv: %s\n", reason.c_str());
  return 1;
}

std::string option(const Invocation& inv, const std::string& name, std::string fallback) {
  auto it = inv.command_options.find(name);
  return it == inv.command_options.end() ? fallback : it->second;
}

// 0..10^9 in decimal digits.
std::optional<std::uint64_t> parse_max_bad_rows(const std::string& s) {
  if (s.empty() || s.size() > 10) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (v > 1000000000ull) return std::nullopt;
  return v;
}

}  // namespace

int run_sync_csv(const Invocation& inv) {
  using namespace datafeed;
  const std::string& name = inv.args.at(0);
  const std::string& file = inv.args.at(1);
  if (!valid_dataset_name(name)) return usage_error(name + ": not a dataset name ([a-z0-9][a-z0-9_-]{0,63})");
  SyncOptions options;
  const auto delimiter = parse_delimiter(option(inv, "--delimiter", ","));
  if (!delimiter) return usage_error("--delimiter: one of , ; | tab");
  const auto encoding = parse_encoding(option(inv, "--encoding", "utf-8"));
  if (!encoding) return usage_error("--encoding: one of utf-8, windows-1252, latin-1");
  const auto max_bad_rows = parse_max_bad_rows(option(inv, "--max-bad-rows", "1000"));
  if (!max_bad_rows) return usage_error("--max-bad-rows: a whole number from 0 to 1000000000");
  options.csv.delimiter = *delimiter;
  options.csv.encoding = *encoding;
  options.csv.max_field_bytes = inv.config.csv_max_field_bytes;
  options.max_bad_rows = *max_bad_rows;
  options.max_source_bytes = inv.config.max_sync_bytes;
  options.min_free_disk_bytes = inv.config.min_free_disk_bytes;
  options.source = file == "-" ? "stdin" : file;

  int fd = file == "-" ? STDIN_FILENO : ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return sync_failed(unstarted_report(name, options.source), file + ": " + std::strerror(errno));
  OpenFile owner(fd == STDIN_FILENO ? -1 : fd);
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) options.expected_bytes = static_cast<std::uint64_t>(st.st_size);

  tune_malloc();  // freed buffers go back to the system: the 4 MiB bar holds for the CLI too
  DatasetStore store(inv.config.data_dir);
  std::unique_ptr<CsvSync> sync;
  try {
    sync = std::make_unique<CsvSync>(store, name, options);
  } catch (const std::exception& e) {
    return sync_failed(unstarted_report(name, options.source), e.what());
  }
  try {
    // One chunk at a time: memory stays flat whatever the file's size.
    std::string buf(inv.config.upload_chunk_bytes, '\0');
    for (;;) {
      ssize_t n = ::read(fd, buf.data(), buf.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw std::system_error(errno, std::generic_category(), "read " + file);
      if (n == 0) break;
      sync->feed(std::string_view(buf.data(), static_cast<std::size_t>(n)));
    }
    print(sync->finish());
    return 0;
  } catch (const std::exception& e) {
    return sync_failed(sync->report(), e.what());
  }
}

}  // namespace keel
