// Integration tests: services/db against a real MariaDB (see run.sh).
#include "services/db/connection.hpp"

#include <gtest/gtest.h>

int main(int argc, char** argv) {
  keel::db::init_driver();  // before any thread touches Connector/C++
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
