#pragma once
/// The face-neighbour ghosts of arrays in the scalar DM's ghosted layout (the box of
/// DMDAGetGhostCorners, x fastest), exchanged in place by a PetscSF: only the ghost
/// values travel. DMGlobalToLocal also copies every owned value from the global vector
/// into the local one, which for a sweep that touches a few values per voxel costs as
/// much as the sweep (the Na settling sweeps, solver/sodium/settle_sweeps.cpp).
///
/// Edge and corner ghosts are not filled (face stencils never read them).
#include "mesh/grid.hpp"

#include <petscsf.h>

#include <cstdint>
#include <vector>

namespace navox {

class FaceHalo {
public:
  /// Collective.
  explicit FaceHalo(const Grid& grid);
  /// Only the face ghosts g with keep[g] != 0 (`keep` per ghosted voxel): where the
  /// others' values never change and the caller knows them, the exchanges move less.
  /// Collective.
  FaceHalo(const Grid& grid, const std::vector<std::uint8_t>& keep);
  ~FaceHalo();
  FaceHalo(const FaceHalo&) = delete;
  FaceHalo& operator=(const FaceHalo&) = delete;

  /// Values per ghosted array: the ghosted box's voxel count.
  std::int64_t size() const { return size_; }
  /// The ghosted box (global voxel coordinates): a voxel's place in a ghosted array is box().offset(i, j, k).
  const Box& box() const { return box_; }
  /// Each face ghost of `ghosted` gets its owner's value; `width` doubles per voxel,
  /// interleaved (width 1 or 2). Collective.
  void fill(double* ghosted, int width = 1) const;
  /// Each owner adds what its face ghosts on other blocks hold (the ghosts keep it). Collective.
  void add_to_owners(double* ghosted) const;
  /// The ghosted indices of this block's face ghosts.
  const std::vector<PetscInt>& ghosts() const { return ghosts_; }

private:
  void build(const Grid& grid, const std::vector<std::uint8_t>* keep);
  PetscSF sf_ = nullptr;
  MPI_Datatype pair_ = MPI_DATATYPE_NULL; ///< two doubles, for width 2
  std::int64_t size_ = 0;
  Box box_;
  std::vector<PetscInt> ghosts_;
};

} // namespace navox
