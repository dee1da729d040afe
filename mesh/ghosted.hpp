#pragma once
/// Read access to a scalar field with its ghost layer: a local copy of a global
/// vector of grid.scalar_dm() (or of any field DM, which share its layout),
/// indexed by global voxel indices a(i, j, k), released when the view goes.
/// The local vector is its own, not one of the DM's pool: the pool keeps as many
/// as were ever in use at once for the rest of the run (8 B per voxel each).
#include "mesh/error.hpp"
#include "mesh/grid.hpp"

#include <petscdmda.h>

#include <cstdint>

namespace navox {

class Ghosted {
public:
  Ghosted(const Grid& grid, Vec global) : dm_(grid.scalar_dm()) {
    NAVOX_CALL(DMCreateLocalVector(dm_, &local_));
    NAVOX_CALL(DMGlobalToLocalBegin(dm_, global, INSERT_VALUES, local_));
    NAVOX_CALL(DMGlobalToLocalEnd(dm_, global, INSERT_VALUES, local_));
    NAVOX_CALL(DMDAVecGetArrayRead(dm_, local_, &a_));
  }
  ~Ghosted() {
    (void)DMDAVecRestoreArrayRead(dm_, local_, &a_);
    (void)VecDestroy(&local_);
  }
  Ghosted(const Ghosted&) = delete;
  Ghosted& operator=(const Ghosted&) = delete;

  double operator()(std::int64_t i, std::int64_t j, std::int64_t k) const { return a_[k][j][i]; }
  const PetscScalar* const* const* array() const { return a_; }

private:
  DM dm_;
  Vec local_ = nullptr;
  const PetscScalar*** a_ = nullptr;
};

} // namespace navox
