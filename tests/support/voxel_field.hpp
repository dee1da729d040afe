#pragma once
// Test set-up: a scalar field on the grid given voxel by voxel.
#include "mesh/block_access.hpp"
#include "mesh/error.hpp"
#include "mesh/grid.hpp"

#include <petscdmda.h>
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

/// The whole of a global vector of the DMDA `dm` on every rank, in natural order (x
/// fastest, the DOFs of a node together): for comparing small test volumes across rank
/// counts and partitions.
inline std::vector<double> gather_natural(DM dm, Vec global) {
  Vec natural = nullptr, all = nullptr;
  VecScatter scatter = nullptr;
  NAVOX_CALL(DMDACreateNaturalVector(dm, &natural));
  NAVOX_CALL(DMDAGlobalToNaturalBegin(dm, global, INSERT_VALUES, natural));
  NAVOX_CALL(DMDAGlobalToNaturalEnd(dm, global, INSERT_VALUES, natural));
  NAVOX_CALL(VecScatterCreateToAll(natural, &scatter, &all));
  NAVOX_CALL(VecScatterBegin(scatter, natural, all, INSERT_VALUES, SCATTER_FORWARD));
  NAVOX_CALL(VecScatterEnd(scatter, natural, all, INSERT_VALUES, SCATTER_FORWARD));
  PetscInt n = 0;
  const PetscScalar* a = nullptr;
  NAVOX_CALL(VecGetSize(all, &n));
  NAVOX_CALL(VecGetArrayRead(all, &a));
  std::vector<double> out(a, a + n);
  NAVOX_CALL(VecRestoreArrayRead(all, &a));
  NAVOX_CALL(VecScatterDestroy(&scatter));
  NAVOX_CALL(VecDestroy(&all));
  NAVOX_CALL(VecDestroy(&natural));
  return out;
}

/// The same for a global vector of grid.scalar_dm().
inline std::vector<double> gather_natural(const Grid& grid, Vec global) { return gather_natural(grid.scalar_dm(), global); }

} // namespace navox::test
