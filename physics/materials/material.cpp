#include "physics/materials/material.hpp"

namespace navox {

const std::vector<std::string>& phase_names() {
  static const std::vector<std::string> names = {"SE", "CC", "PORE", "NA", "SOLID"};
  return names;
}

const char* phase_name(Phase p) { return phase_names()[static_cast<int>(p)].c_str(); }

bool phase_from_name(const std::string& name, Phase& phase) {
  const auto& names = phase_names();
  for (std::size_t n = 0; n < names.size(); ++n)
    if (names[n] == name) {
      phase = static_cast<Phase>(n);
      return true;
    }
  return false;
}

} // namespace navox
