#pragma once
// Reads one number back from a run's <prefix>_summary.json (io/output/run_summary.hpp):
// the value after "name": inside the object "object": (or at the top level when
// object is empty); NaN for null or when absent.
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace navox::test {

inline double summary_value(const std::string& directory, const std::string& object, const std::string& name,
                            const std::string& prefix = "navox") {
  std::ifstream in(directory + "/" + prefix + "_summary.json");
  std::stringstream text;
  text << in.rdbuf();
  const std::string s = text.str();
  std::size_t from = 0;
  if (!object.empty()) {
    from = s.find("\"" + object + "\": {");
    if (from == std::string::npos) return std::nan("");
  }
  const std::size_t at = s.find("\"" + name + "\": ", from);
  if (at == std::string::npos) return std::nan("");
  const char* value = s.c_str() + at + name.size() + 4;
  char* end = nullptr;
  const double v = std::strtod(value, &end);
  return end == value ? std::nan("") : v;
}

} // namespace navox::test
