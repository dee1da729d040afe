#pragma once
/// Where tests find their data: files committed under tests/data, and the
/// optional shared data set (../shared/data beside the checkout, or
/// $NAVOX_SHARED_DATA). Tests that need the shared set skip when it is absent.
#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace navox::test {

/// Absolute path of a file in the source tree, e.g. source_path("tests/data/x.yaml").
std::string source_path(const std::string& relative);
/// Absolute path in the shared data set, or nullopt when the set is not there.
std::optional<std::string> shared_data(const std::string& relative);
/// The navox executable built with the tests.
std::string navox_binary();
/// The whole text of a file (a test failure, and "", if it cannot be read).
std::string read_text(const std::string& path);
/// A fresh scratch directory (same name on every rank of MPI_COMM_WORLD).
std::string scratch_dir(const std::string& name);

} // namespace navox::test

/// Skips the current test when the shared data file is missing; else binds `var`.
#define NAVOX_REQUIRE_SHARED(var, relative)                                           \
  std::string var;                                                                    \
  do {                                                                                \
    auto navox_p_ = ::navox::test::shared_data(relative);                             \
    if (!navox_p_) GTEST_SKIP() << "shared data not present: " << (relative);          \
    var = *navox_p_;                                                                  \
  } while (0)
