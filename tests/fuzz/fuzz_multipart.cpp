// libFuzzer target for keel::multipart::Parser.
//
// Input layout: byte 0 seeds the chunk sizes, byte 1 picks the limits, the
// rest is the body (boundary "AaB03x"). The body is parsed in one chunk, in
// pseudo-random chunks and (when short) one byte at a time; the transcripts
// must be identical and the parser's buffering must stay within its bounds.

#include "http/text/header_params.hpp"
#include "services/multipart/parser.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

namespace mp = keel::multipart;

namespace {

constexpr const char* kBoundary = "AaB03x";

void check(bool ok) {
  if (!ok) std::abort();
}

struct Transcript {
  std::vector<std::string> lines;
  int error = -1;
  std::string detail;
  bool done = false;
  bool operator==(const Transcript&) const = default;
};

void record(Transcript& t, const mp::Result& r, const mp::Limits& limits, bool& in_file) {
  for (const mp::Event& e : r.events) {
    switch (e.type) {
      case mp::Event::part_begin:
        check(e.headers != nullptr && !in_file);
        in_file = true;
        t.lines.push_back("B" + e.headers->name + "\n" + e.headers->filename.value_or("-") + "\n" +
                          e.headers->content_type);
        break;
      case mp::Event::file_data:
        check(in_file && !e.data.empty());
        if (!t.lines.empty() && t.lines.back()[0] == 'D') {
          t.lines.back().append(e.data);
        } else {
          t.lines.push_back("D" + std::string(e.data));
        }
        break;
      case mp::Event::part_end:
        check(e.headers != nullptr && in_file);
        in_file = false;
        t.lines.push_back("E" + e.headers->name);
        break;
      case mp::Event::field:
        check(e.headers != nullptr && !in_file && e.data.size() <= limits.max_field_bytes);
        t.lines.push_back("F" + e.headers->name + "=" + std::string(e.data));
        break;
      case mp::Event::done:
        check(!in_file);
        t.lines.push_back("done");
        break;
    }
  }
  if (r.error && t.error < 0) {
    t.error = static_cast<int>(r.error->kind);
    t.detail = r.error->detail;
  }
}

Transcript run(std::string_view body, const std::vector<std::size_t>& sizes, const mp::Limits& limits) {
  mp::Parser p(kBoundary, limits);
  Transcript t;
  bool in_file = false;
  // Carry + one header block + the field being filled + the one handed out.
  const std::size_t bound = 128 + limits.max_header_bytes + 2 * limits.max_field_bytes;
  std::size_t at = 0;
  std::size_t i = 0;
  while (at < body.size()) {
    const std::size_t n = std::min(sizes.empty() ? body.size() : sizes[i++ % sizes.size()], body.size() - at);
    const std::string chunk(body.substr(at, n));  // own copy: stale views would be caught by ASan
    at += n;
    record(t, p.feed(chunk), limits, in_file);
    check(p.buffered_bytes() <= bound);
  }
  record(t, p.finish(), limits, in_file);
  t.done = p.done();
  check(t.done == (t.error < 0));
  return t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const unsigned seed = data[0];
  const unsigned pick = data[1];
  const std::string_view body(reinterpret_cast<const char*>(data) + 2, size - 2);

  // The Content-Type parser gets the body too.
  if (auto b = mp::boundary_from_content_type(body)) check(keel::text::valid_multipart_boundary(*b));

  mp::Limits limits;
  if (pick & 1) {
    limits.max_header_bytes = 64 + (pick >> 4) * 8;
    limits.max_field_bytes = 4 + (pick >> 3) % 8;
    limits.max_parts = 1 + (pick >> 1) % 4;
  }

  const Transcript whole = run(body, {}, limits);

  std::vector<std::size_t> sizes;
  std::uint32_t x = seed * 2654435761u + 1;
  for (int k = 0; k < 16; ++k) {
    x = x * 1664525u + 1013904223u;
    sizes.push_back(1 + (x >> 16) % (1 + seed % 23));
  }
  check(run(body, sizes, limits) == whole);
  if (body.size() <= 4096) check(run(body, {1}, limits) == whole);
  return 0;
}
