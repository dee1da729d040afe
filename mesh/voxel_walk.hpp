#pragma once
/// Walking this rank's voxels and their face neighbours on grid.scalar_dm(), by
/// global voxel index: written once for the Na model and the phase-field step.
#include "mesh/error.hpp"
#include "mesh/grid.hpp"
#include "mesh/stencil.hpp"

#include <petscdmda.h>

#include <cstdint>

namespace navox {

/// Writable owned entries of a global vector of grid.scalar_dm(), by global voxel index.
class Owned {
public:
  Owned(const Grid& grid, Vec global) : dm_(grid.scalar_dm()), v_(global) {
    NAVOX_CALL(DMDAVecGetArray(dm_, v_, &a_));
  }
  ~Owned() { (void)DMDAVecRestoreArray(dm_, v_, &a_); }
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
  PetscScalar& operator()(std::int64_t i, std::int64_t j, std::int64_t k) { return a_[k][j][i]; }

private:
  DM dm_;
  Vec v_;
  PetscScalar*** a_ = nullptr;
};

/// Read-only owned entries of a global vector of grid.scalar_dm() (or of any field DM,
/// which share its layout), by global voxel index: for pointwise reads, which need no
/// ghost exchange (Ghosted makes one, into a vector of its own).
class OwnedRead {
public:
  OwnedRead(const Grid& grid, Vec global) : dm_(grid.scalar_dm()), v_(global) {
    NAVOX_CALL(DMDAVecGetArrayRead(dm_, v_, &a_));
  }
  ~OwnedRead() { (void)DMDAVecRestoreArrayRead(dm_, v_, &a_); }
  OwnedRead(const OwnedRead&) = delete;
  OwnedRead& operator=(const OwnedRead&) = delete;
  double operator()(std::int64_t i, std::int64_t j, std::int64_t k) const { return a_[k][j][i]; }

private:
  DM dm_;
  Vec v_;
  const PetscScalar*** a_ = nullptr;
};

/// Calls f(i, j, k) for every owned voxel, x fastest.
template <class F> void for_owned(const Grid& grid, F&& f) {
  const Box b = grid.owned();
  for (auto k = b.lo[2]; k < b.hi(2); ++k)
    for (auto j = b.lo[1]; j < b.hi(1); ++j)
      for (auto i = b.lo[0]; i < b.hi(0); ++i) f(i, j, k);
}

/// The face neighbour of (i, j, k), false across an outer wall (periodic laterally
/// if the grid is: the ghost layer then holds the wrapped value at index −1 or n).
inline bool neighbour(const Grid& grid, std::int64_t i, std::int64_t j, std::int64_t k, int face, std::int64_t& ni,
                      std::int64_t& nj, std::int64_t& nk) {
  ni = i + kFaceOffset[face][0];
  nj = j + kFaceOffset[face][1];
  nk = k + kFaceOffset[face][2];
  const auto& d = grid.spec().dims;
  if (nk < 0 || nk >= d[2]) return false;
  if (grid.spec().periodic_lateral) return true;
  return ni >= 0 && ni < d[0] && nj >= 0 && nj < d[1];
}

/// A new global vector of grid.scalar_dm(), zeroed; the caller destroys it.
inline Vec new_scalar_vector(const Grid& grid) {
  Vec v = nullptr;
  NAVOX_CALL(DMCreateGlobalVector(grid.scalar_dm(), &v));
  NAVOX_CALL(VecSet(v, 0.0));
  return v;
}

/// A new global vector of grid.scalar_dm(), zeroed, destroyed with this object: for a
/// step's temporaries, which must not stay behind when the step throws and is retried
/// with a shorter dt (each would hold 8 B per voxel for the rest of the run).
class ScalarVector {
public:
  explicit ScalarVector(const Grid& grid) : v_(new_scalar_vector(grid)) {}
  ~ScalarVector() {
    if (v_) (void)VecDestroy(&v_);
  }
  ScalarVector(const ScalarVector&) = delete;
  ScalarVector& operator=(const ScalarVector&) = delete;
  operator Vec() const { return v_; }
  /// Frees the vector before the object goes (its memory back for what follows).
  void release() {
    if (v_) NAVOX_CALL(VecDestroy(&v_));
  }

private:
  Vec v_ = nullptr;
};

} // namespace navox
