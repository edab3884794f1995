#pragma once
// Start-up runs code that serving never runs again: configuration parsing,
// the schema check, building the route table and the OpenAPI document, the
// database client's and OpenSSL's initialisation. The kernel maps code in
// 64 KiB windows around every page touched (fault-around), so after start-up
// most of keel's executable code is resident although little of it is used.
// release_startup_code() unmaps keel's own executable code pages (never
// written: dropping them loses nothing; they stay in the page cache), and
// serving faults back the pages it really uses, as malloc_trim gives back the
// start-up heap. Returns the size of the code mappings released (0 on failure).
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace keel::memory {

std::size_t release_startup_code() noexcept;

// One line of /proc/self/maps: is it an executable, private, never-writable
// mapping of `exe`? Exposed for tests.
struct CodeMapping {
  std::uintptr_t begin = 0, end = 0;
};
bool parse_code_mapping(std::string_view maps_line, std::string_view exe, CodeMapping& out) noexcept;

}  // namespace keel::memory
