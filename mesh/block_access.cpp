#include "mesh/block_access.hpp"

#include "mesh/error.hpp"

namespace navox {

std::vector<double> scalar_block(const Grid& grid, Vec global) {
  const Box b = grid.owned();
  std::vector<double> out(b.size());
  PetscScalar*** a = nullptr;
  NAVOX_CALL(DMDAVecGetArrayRead(grid.scalar_dm(), global, &a));
  for (std::int64_t k = b.lo[2]; k < b.hi(2); ++k)
    for (std::int64_t j = b.lo[1]; j < b.hi(1); ++j)
      for (std::int64_t i = b.lo[0]; i < b.hi(0); ++i) out[b.offset(i, j, k)] = a[k][j][i];
  NAVOX_CALL(DMDAVecRestoreArrayRead(grid.scalar_dm(), global, &a));
  return out;
}

void set_scalar_block(const Grid& grid, Vec global, const std::vector<double>& values) {
  const Box b = grid.owned();
  if (static_cast<std::int64_t>(values.size()) != b.size()) throw Error("block size does not match this rank's block");
  PetscScalar*** a = nullptr;
  NAVOX_CALL(DMDAVecGetArray(grid.scalar_dm(), global, &a));
  for (std::int64_t k = b.lo[2]; k < b.hi(2); ++k)
    for (std::int64_t j = b.lo[1]; j < b.hi(1); ++j)
      for (std::int64_t i = b.lo[0]; i < b.hi(0); ++i) a[k][j][i] = values[b.offset(i, j, k)];
  NAVOX_CALL(DMDAVecRestoreArray(grid.scalar_dm(), global, &a));
}

} // namespace navox
