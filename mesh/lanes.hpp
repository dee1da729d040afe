#pragma once
/// Four doubles as one value, for row kernels that GCC vectorises as written (its vector
/// extensions): a build for AVX2 computes them in one ymm register, the baseline x86-64
/// build in two xmm halves, other CPUs as they can. The same IEEE operations lane by lane
/// either way (no FMA is asked for), so every build gives the same bits. Used by the phase
/// field's sub-steps (solver/sodium/phase_field.cpp) and the elastic operator's product
/// (solver/mechanics/elasticity_matrix_free.cpp), each built for AVX2 as well
/// (mesh/cpu_clones.hpp).
#include <cstdint>
#include <cstring>

namespace navox::lanes {

typedef double Lanes __attribute__((vector_size(32)));
typedef std::int64_t LaneMask __attribute__((vector_size(32)));

/// Inlined into each CPU build of its caller (a call would pass the vectors in memory).
#define NAVOX_LANES_INLINE inline __attribute__((always_inline))

NAVOX_LANES_INLINE Lanes load(const double* p) {
  Lanes v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
NAVOX_LANES_INLINE LaneMask load(const std::int64_t* p) {
  LaneMask m;
  std::memcpy(&m, p, sizeof m);
  return m;
}
NAVOX_LANES_INLINE void store(double* p, Lanes v) { std::memcpy(p, &v, sizeof v); }
/// v where the mask's lane has all bits set, +0 where it is 0.
NAVOX_LANES_INLINE Lanes masked(Lanes v, LaneMask m) { return (Lanes)((LaneMask)v & m); }
/// The lanes from `first` on.
NAVOX_LANES_INLINE LaneMask lanes_from(int first) {
  const LaneMask lane = {0, 1, 2, 3};
  return lane >= first;
}

} // namespace navox::lanes
