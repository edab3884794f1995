#include "services/memory/startup_code.hpp"

#include <gtest/gtest.h>

#include <string>

using keel::memory::CodeMapping;
using keel::memory::parse_code_mapping;

namespace {

struct MapsCase {
  const char* line;
  bool code;
  std::uintptr_t begin, end;
};

TEST(StartupCode, OnlyTheExecutablesOwnNeverWrittenCodeMappings) {
  const std::string exe = "/opt/keel/keel";
  const MapsCase cases[] = {
      {"55d0c0a36000-55d0c0f7e000 r-xp 00008000 fe:01 1234                       /opt/keel/keel", true, 0x55d0c0a36000,
       0x55d0c0f7e000},
      // read-only data, relocated data (once written), writable data: never
      {"55d0c0f7e000-55d0c110e000 r--p 00550000 fe:01 1234                       /opt/keel/keel", false, 0, 0},
      {"55d0c110e000-55d0c1182000 r--p 006e0000 fe:01 1234                       /opt/keel/keel", false, 0, 0},
      {"55d0c1182000-55d0c1191000 rw-p 00754000 fe:01 1234                       /opt/keel/keel", false, 0, 0},
      // shared mappings, other files, anonymous memory, a path that only starts alike
      {"7f00000000-7f00001000 r-xs 00000000 fe:01 1234                           /opt/keel/keel", false, 0, 0},
      {"7f93da17a000-7f93da2d0000 r-xp 00026000 fe:01 5678                       /usr/lib/libc.so.6", false, 0, 0},
      {"7fff84e36000-7fff84e57000 rw-p 00000000 00:00 0                          [stack]", false, 0, 0},
      {"7f0000000000-7f0000001000 r-xp 00000000 00:00 0 ", false, 0, 0},
      {"55d0c0a36000-55d0c0f7e000 r-xp 00008000 fe:01 1234                       /opt/keel/keel2", false, 0, 0},
      // malformed
      {"", false, 0, 0},
      {"55d0c0a36000 r-xp 00008000 fe:01 1234 /opt/keel/keel", false, 0, 0},
      {"zz-55d0c0f7e000 r-xp 00008000 fe:01 1234 /opt/keel/keel", false, 0, 0},
      {"55d0c0f7e000-55d0c0a36000 r-xp 00008000 fe:01 1234 /opt/keel/keel", false, 0, 0},
  };
  for (const auto& c : cases) {
    CodeMapping m;
    EXPECT_EQ(parse_code_mapping(c.line, exe, m), c.code) << c.line;
    if (c.code) {
      EXPECT_EQ(m.begin, c.begin) << c.line;
      EXPECT_EQ(m.end, c.end) << c.line;
    }
  }
  CodeMapping m;
  EXPECT_FALSE(parse_code_mapping("55d0c0a36000-55d0c0f7e000 r-xp 00008000 fe:01 1234 /opt/keel/keel", "", m));
}

int twice(int x) { return 2 * x; }

TEST(StartupCode, ReleasedCodeStillRuns) {
  // The test binary's own code is released; what runs next faults back in.
  EXPECT_GT(keel::memory::release_startup_code(), 0u);
  volatile int v = 21;
  EXPECT_EQ(twice(v), 42);
}

}  // namespace
