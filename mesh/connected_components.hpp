#pragma once
/// Parallel connected-components labelling of a voxel phase (6-, 18- or 26-connectivity).
///
/// Voxel \f$(i,j,k)\f$ has the global index \f$g = i + n_x\,(j + n_y\,k)\f$. Two
/// voxels of the phase are neighbours when they share a face (connectivity 6), a
/// face or an edge (18), or a face, an edge or a corner (26), across periodic
/// lateral boundaries too if the grid is periodic. Every voxel of a component
/// gets the label
/// \f[ \ell(C) = \min_{(i,j,k)\in C} g(i,j,k), \f]
/// which depends only on the geometry, never on the partition, so results are
/// identical on any number of ranks. Voxels outside the phase get -1.
///
/// Algorithm: union-find inside each rank's block, then label propagation across
/// rank faces (ghost exchange on the scalar DMDA, whose box stencil also ghosts the
/// edge and corner neighbours) until no label changes anywhere.
/// Each sweep lowers the label of every component still above its final value
/// across at least one rank boundary, so the number of sweeps is bounded by the
/// number of rank blocks a component path crosses.
#include "mesh/grid.hpp"

#include <petscvec.h>

#include <cstdint>
#include <vector>

namespace navox {

struct ComponentLabels {
  Vec labels = nullptr; ///< global vector of grid.scalar_dm(): component label, -1 outside the phase
  int sweeps = 0;       ///< cross-rank propagation sweeps, including the final one that changed nothing
};

/// Labels the components of the voxels where `mask` (a global vector of
/// grid.scalar_dm()) is non-zero, with `connectivity` 6, 18 or 26 (else navox::Error).
/// The caller owns (and destroys) the returned Vec. Collective.
ComponentLabels connected_components(const Grid& grid, Vec mask, int connectivity = 6);

/// The sorted, distinct labels of the components that have a voxel on the face
/// `side` (0: low, 1: high) of the domain along `axis` (0, 1, 2 = x, y, z), on every rank. Collective.
std::vector<std::int64_t> labels_on_face(const Grid& grid, Vec labels, int axis, int side);

/// The sorted, distinct union over all ranks of each rank's `mine`. Collective.
std::vector<std::int64_t> union_of_labels(const Grid& grid, std::vector<std::int64_t> mine);

} // namespace navox
