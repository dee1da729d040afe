#pragma once
// Test set-up: a scalar field on the grid given voxel by voxel.
#include "mesh/block_access.hpp"
#include "mesh/error.hpp"
#include "mesh/grid.hpp"

#include <petscvec.h>

#include <vector>

namespace navox::test {

/// A global vector of grid.scalar_dm() holding value(i, j, k) in every owned voxel
/// (global indices); the caller destroys it.
template <class F> Vec voxel_field(const Grid& grid, F&& value) {
  const Box b = grid.owned();
  std::vector<double> v(static_cast<std::size_t>(b.size()));
  for (auto k = b.lo[2]; k < b.hi(2); ++k)
    for (auto j = b.lo[1]; j < b.hi(1); ++j)
      for (auto i = b.lo[0]; i < b.hi(0); ++i) v[static_cast<std::size_t>(b.offset(i, j, k))] = value(i, j, k);
  Vec x = nullptr;
  NAVOX_CALL(DMCreateGlobalVector(grid.scalar_dm(), &x));
  set_scalar_block(grid, x, v);
  return x;
}

} // namespace navox::test
