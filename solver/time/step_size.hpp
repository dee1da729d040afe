#pragma once
#include <cmath>

namespace navox {

/// dt rounded down to 8 significant bits: the controller's inputs (voltage and fill
/// changes) carry the solver's rounding, which differs between partitions; the
/// rounded step does not (unless it straddles a 1-in-256 boundary), and times that
/// are sums of such steps are exact.
inline double quantised_step(double dt) {
  int e = 0;
  const double m = std::frexp(dt, &e);
  return std::ldexp(std::floor(std::ldexp(m, 8)), e - 8);
}

} // namespace navox
