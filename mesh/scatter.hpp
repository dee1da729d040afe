#pragma once
/// Adding values into a global vector of grid.scalar_dm() from any owned or ghost
/// voxel (a face's contribution to the voxel across it, on whichever rank owns it).
#include "mesh/error.hpp"
#include "mesh/grid.hpp"

#include <petscdmda.h>

#include <cstdint>

namespace navox {

/// A local (ghosted) vector to add into, summed into a global vector on finish().
class Scatter {
public:
  explicit Scatter(const Grid& grid) : dm_(grid.scalar_dm()) {
    NAVOX_CALL(DMCreateLocalVector(dm_, &local_));
    NAVOX_CALL(VecSet(local_, 0.0));
    NAVOX_CALL(DMDAVecGetArray(dm_, local_, &a_));
  }
  ~Scatter() {
    if (a_) (void)DMDAVecRestoreArray(dm_, local_, &a_);
    (void)VecDestroy(&local_);
  }
  Scatter(const Scatter&) = delete;
  Scatter& operator=(const Scatter&) = delete;
  void add(std::int64_t i, std::int64_t j, std::int64_t k, double v) { a_[k][j][i] += v; }
  /// global = sum over ranks of what was added (ghost entries go to their owners).
  void finish(Vec global) {
    NAVOX_CALL(DMDAVecRestoreArray(dm_, local_, &a_));
    a_ = nullptr;
    NAVOX_CALL(VecSet(global, 0.0));
    NAVOX_CALL(DMLocalToGlobalBegin(dm_, local_, ADD_VALUES, global));
    NAVOX_CALL(DMLocalToGlobalEnd(dm_, local_, ADD_VALUES, global));
  }

private:
  DM dm_;
  Vec local_ = nullptr;
  PetscScalar*** a_ = nullptr;
};

} // namespace navox
