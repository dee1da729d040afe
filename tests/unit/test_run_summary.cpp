// <prefix>_summary.json (io/output/run_summary.hpp): dotted keys nest in the order
// given, a value not found (NaN) is null, numbers keep 17 digits, units are listed
// beside the values, and a key nesting under a value is refused.
#include "io/output/run_summary.hpp"

#include "mesh/error.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace {

using navox::io::SummaryValue;

TEST(RunSummary, NestsDottedKeysAndWritesNullForNotFound) {
  const std::string json = navox::io::summary_json({{"critical_current_density", std::nan(""), "A/m^2"},
                                                    {"void_onset.time", 73961.186018420427, "s"},
                                                    {"void_onset.capacity", 739611.86, "C/m^2"}});
  EXPECT_EQ(json, "{\n"
                  "  \"critical_current_density\": null,\n"
                  "  \"void_onset\": {\n"
                  "    \"time\": 73961.186018420427,\n"
                  "    \"capacity\": 739611.85999999999\n"
                  "  },\n"
                  "  \"units\": {\n"
                  "    \"critical_current_density\": \"A/m^2\",\n"
                  "    \"void_onset.time\": \"s\",\n"
                  "    \"void_onset.capacity\": \"C/m^2\"\n"
                  "  }\n"
                  "}\n");
  EXPECT_THROW(navox::io::summary_json({{"a", 1, ""}, {"a.b", 2, ""}}), navox::Error);
}

TEST(RunSummary, WritesTheFileWhole) {
  const std::string path = "run_summary_test.json";
  navox::io::write_summary(path, {{"x.y", 2.5, "m"}});
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("\"y\": 2.5"), std::string::npos) << text.str();
  std::remove(path.c_str());
  EXPECT_THROW(navox::io::write_summary("/nonexistent-directory/s.json", {{"x", 1, ""}}), navox::Error);
}

} // namespace
