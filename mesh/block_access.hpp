#pragma once
/// Copying between DMDA vectors and plain arrays of this rank's block (x fastest),
/// the format readers produce and writers consume.
#include "mesh/grid.hpp"

#include <petscvec.h>

#include <vector>

namespace navox {

/// Owned values of `global`: a vector of grid.scalar_dm() or of any grid.field_dm(),
/// which share one layout.
std::vector<double> scalar_block(const Grid& grid, Vec global);
/// Sets the owned values of `global` (a vector of grid.scalar_dm()) from a block array.
void set_scalar_block(const Grid& grid, Vec global, const std::vector<double>& values);

/// fn(v) on a global vector of grid.scalar_dm() holding `values` (this rank's block),
/// destroyed afterwards whether fn returns or throws; returns what fn returns.
template <class Fn>
auto with_scalar_vec(const Grid& grid, const std::vector<double>& values, Fn&& fn) {
  Vec v = nullptr;
  NAVOX_CALL(DMCreateGlobalVector(grid.scalar_dm(), &v));
  try {
    set_scalar_block(grid, v, values);
    auto result = fn(v);
    NAVOX_CALL(VecDestroy(&v));
    return result;
  } catch (...) {
    (void)VecDestroy(&v);
    throw;
  }
}

} // namespace navox
